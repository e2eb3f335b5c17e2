import { Entity } from 'dynamodb-toolbox/entity';
import { item } from 'dynamodb-toolbox/schema/item';
import { number } from 'dynamodb-toolbox/schema/number';
import { string } from 'dynamodb-toolbox/schema/string';
import { LOCALES } from '#shared/domain/shared/vocabulary.ts';
import { keys } from '../keys.ts';
import { PortalTable } from '../table.ts';

/** SIGNUP#<email> / SIGNUP: a pending signup (sealed password, hashed code); TTL one day. */
export const SignupEntity = new Entity({
  name: 'Signup',
  table: PortalTable,
  timestamps: false,
  schema: item({
    email: string().key(),
    name: string(),
    locale: string().enum(...LOCALES),
    phone: string().optional(),
    sealedPassword: string(),
    codeId: string(),
    codeHash: string(),
    codeSalt: string(),
    codeExpiresAt: string(),
    attempts: number(),
    createdAt: string(),
    expiresAt: string(),
    ttl: number(),
  }),
  computeKey: ({ email }) => keys.signup(email),
});

/** EMAIL#<email> / EMAIL: the account owning a verified email. */
export const EmailClaimEntity = new Entity({
  name: 'EmailClaim',
  table: PortalTable,
  timestamps: false,
  schema: item({
    email: string().key(),
    userId: string(),
    name: string(),
    locale: string().enum(...LOCALES),
  }),
  computeKey: ({ email }) => keys.emailClaim(email),
});

/** RATE#<window> / RATE: sends counted in one rate-limit window; TTL after the window. */
export const RateCounterEntity = new Entity({
  name: 'RateCounter',
  table: PortalTable,
  timestamps: false,
  schema: item({
    window: string().key(),
    n: number(),
    ttl: number(),
  }),
  computeKey: ({ window }) => keys.rateCounter(window),
});

/** USER#<userId> / EMAIL_CHANGE: a requested email change waiting for its code; TTL 1 hour. */
export const EmailChangeEntity = new Entity({
  name: 'EmailChange',
  table: PortalTable,
  timestamps: false,
  schema: item({
    userId: string().key(),
    newEmail: string(),
    codeId: string(),
    codeHash: string(),
    codeSalt: string(),
    codeExpiresAt: string(),
    attempts: number(),
    ttl: number(),
  }),
  computeKey: ({ userId }) => keys.emailChange(userId),
});
