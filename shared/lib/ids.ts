import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * Time-sortable unique id (ULID layout: 48-bit milliseconds + 80 random bits), lower-case base32, 26 chars.
 * Sorting ids sorts by creation time, which several sort keys rely on.
 */
export function ulid(nowMs: number = Date.now()): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let rand = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += ALPHABET[(acc >> bits) & 31];
    }
  }
  return time + rand;
}

export interface Ids {
  /** `prefix_<ulid>`, e.g. `org_01j...`. */
  next(prefix: string): string;
}

export const systemIds: Ids = { next: (prefix) => `${prefix}_${ulid()}` };

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
