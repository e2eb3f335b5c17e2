import type { Locale } from '#shared/domain/shared/vocabulary.ts';
import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import type { UserProfile } from '#shared/domain/identity/model.ts';
import { IdentityExistsError, type IdentityProvider } from '#shared/domain/identity/ports.ts';
import type { Clock } from '#shared/lib/ids.ts';
import {
  CODE_TTL_MS,
  MAX_CODE_ATTEMPTS,
  SENDS_PER_DAY,
  SENDS_PER_HOUR,
  SENDS_PER_IP_HOUR,
  SIGNUP_TTL_MS,
  burnCodeCheckTime,
  codeMatches,
  generateCode,
  hashCode,
  newSalt,
} from './codes.ts';
import type { DomainOwnersSnapshot, OwnersHint } from './domain-owners.ts';
import { type EmailDomainClassifier, domainOf } from './email-domains.ts';

/** A signup waiting for its code. The password is sealed; the code exists only as a salted hash. */
export interface PendingSignup {
  email: string;
  name: string;
  locale: Locale;
  phone?: string | undefined;
  sealedPassword: string;
  codeId: string;
  codeHash: string;
  codeSalt: string;
  codeExpiresAt: string;
  attempts: number;
  createdAt: string;
  expiresAt: string;
  /** The owners of the address's domain as the sign-up read found them (a hint; see DomainOwnersSnapshot). */
  domainOwners?: DomainOwnersSnapshot | undefined;
}

/** A verified account's email, as the signup path sees it (enough to write to its owner in their language). */
export interface ExistingAccount {
  userId: string;
  name: string;
  locale: Locale;
}

/** A send counted against a limit: `key` names the window, `limit` is the most it may reach. */
export interface RateLimit {
  key: string;
  limit: number;
  expiresAt: Date;
}

/** Port over signup state, sending side. Every write that sends an email includes it (outbox) in the same transaction. */
export interface SendCodeStore {
  /**
   * One read: the verified account owning the email, any pending signup, and in the same read the owners of
   * the address's domain and its parent domains (`owners`, taken for every address alike).
   */
  lookup(email: string): Promise<{ account?: ExistingAccount | undefined; pending?: PendingSignup | undefined; owners?: DomainOwnersSnapshot | undefined }>;
  /** Counts the sends and writes the pending signup with its code email. Throws RateLimitedError over a limit. */
  beginSignup(pending: PendingSignup, email: EmailRequest, limits: RateLimit[]): Promise<void>;
  /** Counts the sends and emails the owner of an existing account. */
  notifyExisting(email: EmailRequest, limits: RateLimit[]): Promise<void>;
  /** Replaces the code of a pending signup (the previous one stops working) and its owners snapshot, and emails the code. */
  replaceCode(
    email: string,
    code: Pick<PendingSignup, 'codeId' | 'codeHash' | 'codeSalt' | 'codeExpiresAt' | 'domainOwners'>,
    mail: EmailRequest,
    limits: RateLimit[],
  ): Promise<void>;
  /** Counts the sends only (a resend for an address with nothing pending). */
  countSends(limits: RateLimit[]): Promise<void>;
}

/** Port over signup state, verifying side. */
export interface VerifyStore {
  /**
   * Atomically counts one attempt on the pending signup's current code, only while fewer than the maximum
   * were made and the code has not expired; returns the signup, or undefined when no attempt is allowed.
   */
  registerAttempt(email: string, now: Date, maxAttempts: number): Promise<PendingSignup | undefined>;
  /** Creates the profile (with the owners snapshot, if any) and the email claim and consumes the signup, in one transaction (single use). */
  completeSignup(profile: UserProfile & OwnersHint, codeId: string): Promise<void>;
}

/** What sending a code needs (signUp, resendSignupCode). */
export interface SendCodeDeps {
  store: SendCodeStore;
  sealer: Sealer;
  clock: Clock;
  ids: { next(prefix: string): string };
}

/** Verification reads the pending signup, creates the identity and classifies the domain. */
export interface VerifyDeps {
  store: VerifyStore;
  identity: IdentityProvider;
  sealer: Sealer;
  classifier: EmailDomainClassifier;
  clock: Clock;
}

/** What signUp and resendSignupCode answer, whatever the address: no enumeration. */
export const VERIFICATION_PENDING = {
  status: 'verification_pending',
  message: 'If this address can be used, we sent it a 6-digit code. It is valid for 10 minutes.',
} as const;

export function sendLimits(email: string, sourceIp: string, now: Date): RateLimit[] {
  const hour = now.toISOString().slice(0, 13);
  const day = now.toISOString().slice(0, 10);
  const inTwoDays = new Date(now.getTime() + 2 * 24 * 3600 * 1000);
  return [
    { key: `send-hour#${email}#${hour}`, limit: SENDS_PER_HOUR, expiresAt: inTwoDays },
    { key: `send-day#${email}#${day}`, limit: SENDS_PER_DAY, expiresAt: inTwoDays },
    { key: `send-ip#${sourceIp}#${hour}`, limit: SENDS_PER_IP_HOUR, expiresAt: inTwoDays },
  ];
}

async function newCode(deps: SendCodeDeps, now: Date) {
  const code = generateCode();
  const codeSalt = newSalt();
  return {
    code,
    fields: {
      codeId: deps.ids.next('code'),
      codeHash: await hashCode(code, codeSalt),
      codeSalt,
      codeExpiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
    },
  };
}

/**
 * ON-1. Both outcomes do the same synchronous work (one read, a code hashed, a password sealed, one
 * transaction with an outbox email) and answer the same thing: an unknown address gets its code, a known
 * one gets a "you already have an account" email.
 */
export async function signUp(
  input: { email: string; password: string; name: string; locale: Locale; phone?: string | undefined; sourceIp: string },
  deps: SendCodeDeps,
): Promise<typeof VERIFICATION_PENDING> {
  const now = deps.clock.now();
  const { account, owners } = await deps.store.lookup(input.email);
  const { code, fields } = await newCode(deps, now);
  const sealedPassword = deps.sealer.seal(input.password);
  const limits = sendLimits(input.email, input.sourceIp, now);
  if (account) {
    await deps.store.notifyExisting({ template: 'account_exists', locale: account.locale, to: input.email, data: { name: account.name } }, limits);
  } else {
    const pending: PendingSignup = {
      email: input.email,
      name: input.name,
      locale: input.locale,
      phone: input.phone,
      sealedPassword,
      ...fields,
      attempts: 0,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SIGNUP_TTL_MS).toISOString(),
      domainOwners: owners,
    };
    await deps.store.beginSignup(
      pending,
      { template: 'signup_code', locale: input.locale, to: input.email, data: { name: input.name, expiresInMinutes: CODE_TTL_MS / 60000 }, secret: { code } },
      limits,
    );
  }
  return VERIFICATION_PENDING;
}

/** ON-2 resend: a new code replaces the previous one. Same answer and work for any address. */
export async function resendSignupCode(input: { email: string; sourceIp: string }, deps: SendCodeDeps): Promise<typeof VERIFICATION_PENDING> {
  const now = deps.clock.now();
  const { pending, owners } = await deps.store.lookup(input.email);
  const { code, fields } = await newCode(deps, now);
  const limits = sendLimits(input.email, input.sourceIp, now);
  if (pending && pending.expiresAt > now.toISOString()) {
    await deps.store.replaceCode(
      input.email,
      { ...fields, domainOwners: owners },
      { template: 'signup_code', locale: pending.locale, to: input.email, data: { name: pending.name, expiresInMinutes: CODE_TTL_MS / 60000 }, secret: { code } },
      limits,
    );
  } else {
    await deps.store.countSends(limits);
  }
  return VERIFICATION_PENDING;
}

const invalidCode = () => new ValidationError('invalid_code', 'This code is not valid (wrong, expired or already used). Request a new one.', 'body.code');

/**
 * ON-2 verification. Each guess first takes an attempt atomically (at most 5 per code, however many run in
 * parallel), then compares in constant time. Only a proven code creates the Cognito identity, so an
 * unverified account never has one (and can get no token). Unknown addresses spend the same hashing time.
 */
export async function verifySignupCode(input: { email: string; code: string }, deps: VerifyDeps): Promise<{ status: 'verified'; tier: UserProfile['tier'] }> {
  const now = deps.clock.now();
  const signup = await deps.store.registerAttempt(input.email, now, MAX_CODE_ATTEMPTS);
  if (!signup) {
    await burnCodeCheckTime(input.code);
    throw invalidCode();
  }
  if (!(await codeMatches(input.code, signup.codeSalt, signup.codeHash))) throw invalidCode();

  const domain = domainOf(signup.email);
  const kind = await deps.classifier.classify(domain);
  const password = deps.sealer.open(signup.sealedPassword);
  let userId: string;
  try {
    ({ userId } = await deps.identity.createUser({ email: signup.email, password, enabled: true, emailVerified: true }));
  } catch (e) {
    // A previous attempt created the identity and failed before the profile transaction: finish it.
    if (!(e instanceof IdentityExistsError)) throw e;
    userId = (await deps.identity.findUserId(signup.email)) as string;
    await deps.identity.setPassword(signup.email, password);
    await deps.identity.markEmailVerified(signup.email);
    await deps.identity.enable(signup.email);
  }
  const profile: UserProfile & OwnersHint = {
    userId,
    email: signup.email,
    name: signup.name,
    locale: signup.locale,
    phone: signup.phone,
    emailVerified: true,
    status: 'active',
    tier: 'basic',
    emailDomain: domain,
    freeMail: kind !== 'business',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    // The sign-up's snapshot of the domain owners rides along: registration then needs no read of them.
    // A free-mail address never registers, so it keeps none.
    ...(kind === 'business' && signup.domainOwners?.domain === domain ? { domainOwners: signup.domainOwners } : {}),
  };
  await deps.store.completeSignup(profile, signup.codeId);
  return { status: 'verified', tier: profile.tier };
}
