import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/** ON-2 and SECURITY.md: 6 digits, 10 minutes, 5 attempts, stored only as a salted scrypt hash. */
export const CODE_LENGTH = 6;
export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_CODE_ATTEMPTS = 5;
/** Sends per address: 5 an hour, 10 a day; and per client IP an hour (signup + resend). */
export const SENDS_PER_HOUR = 5;
export const SENDS_PER_DAY = 10;
export const SENDS_PER_IP_HOUR = 30;
/** A signup not verified within a day is forgotten (its sealed password with it). */
export const SIGNUP_TTL_MS = 24 * 3600 * 1000;

// N=2^14, r=8: ~30 ms per hash here. The code space is small, so the attempt limit is the real defence;
// scrypt keeps a leaked table from giving codes away for free.
const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

export function generateCode(): string {
  return randomInt(0, 10 ** CODE_LENGTH).toString().padStart(CODE_LENGTH, '0');
}

export function newSalt(): string {
  return randomBytes(16).toString('base64');
}

export function hashCode(code: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scryptCb(code, Buffer.from(salt, 'base64'), KEY_LENGTH, SCRYPT, (err, key) => (err ? reject(err) : resolve(key.toString('base64')))),
  );
}

/** Constant-time comparison of a submitted code with the stored hash. */
export async function codeMatches(code: string, salt: string, storedHash: string): Promise<boolean> {
  const candidate = Buffer.from(await hashCode(code, salt), 'base64');
  const stored = Buffer.from(storedHash, 'base64');
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}

/** Spends the same time as a real check, for paths that have nothing to compare (no enumeration by timing). */
const DUMMY_SALT = randomBytes(16).toString('base64');
export async function burnCodeCheckTime(code: string): Promise<void> {
  await hashCode(code, DUMMY_SALT);
}
