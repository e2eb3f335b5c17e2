import type { PendingEmailChange } from '#shared/domain/onboarding/email-change.ts';
import type { PendingSignup } from '#shared/domain/onboarding/signup.ts';
import type { Locale } from '#shared/domain/shared/vocabulary.ts';
import { ET, type Item } from '../commands.ts';
import { keys } from '../keys.ts';

/** The `_et` of each sign-up item. */
export const ONBOARDING_ENTITY = { signup: 'Signup', emailClaim: 'EmailClaim', rateCounter: 'RateCounter', emailChange: 'EmailChange' } as const;

/** SIGNUP#<email> / SIGNUP: a pending signup (sealed password, hashed code); TTL one day (`ttl`, epoch seconds). */
export function signupItem(s: PendingSignup, ttl: number): Item {
  return {
    ...keys.signup(s.email),
    [ET]: ONBOARDING_ENTITY.signup,
    email: s.email,
    name: s.name,
    locale: s.locale,
    phone: s.phone,
    sealedPassword: s.sealedPassword,
    codeId: s.codeId,
    codeHash: s.codeHash,
    codeSalt: s.codeSalt,
    codeExpiresAt: s.codeExpiresAt,
    attempts: s.attempts,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    // The owners of the address's domain as sign-up read them (P2 keys in P20's read): copied to the profile.
    domainOwners: s.domainOwners,
    ttl,
  };
}

/** EMAIL#<email> / EMAIL: the account owning a verified email (and the name and locale its emails use). */
export interface EmailClaim {
  email: string;
  userId: string;
  name: string;
  locale: Locale;
}

export function emailClaimItem(c: EmailClaim): Item {
  return { ...keys.emailClaim(c.email), [ET]: ONBOARDING_ENTITY.emailClaim, email: c.email, userId: c.userId, name: c.name, locale: c.locale };
}

/**
 * RATE#<window> / RATE: `{ window, n, ttl }`, the sends counted in one rate-limit window; TTL after the window.
 * Only ever written by a conditional upsert (`sendTransaction` in repositories/onboarding.ts).
 */
export interface RateCounter {
  window: string;
  n: number;
  ttl: number;
}

/** USER#<userId> / EMAIL_CHANGE: a requested email change waiting for its code; TTL 1 hour. */
export function emailChangeItem(c: PendingEmailChange, ttl: number): Item {
  return {
    ...keys.emailChange(c.userId),
    [ET]: ONBOARDING_ENTITY.emailChange,
    userId: c.userId,
    newEmail: c.newEmail,
    codeId: c.codeId,
    codeHash: c.codeHash,
    codeSalt: c.codeSalt,
    codeExpiresAt: c.codeExpiresAt,
    attempts: c.attempts,
    ttl,
  };
}
