import * as z from 'zod';
import { LOCALES, ORG_ROLES } from '#shared/domain/shared/vocabulary.ts';

export { ORG_ROLES };

/** The enumerated `error.type` values of the error model (as Stripe does: a small closed set). */
export const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'authorization_error',
  'not_found_error',
  'conflict_error',
  'idempotency_error',
  'rate_limit_error',
  'api_error',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const ErrorBody = z
  .strictObject({
    error: z.strictObject({
      type: z.enum(ERROR_TYPES),
      code: z.string().meta({ description: 'Stable machine-readable code, snake_case.' }),
      message: z.string().meta({ description: 'Human-readable explanation; safe to show.' }),
      param: z.string().optional().meta({ description: 'The request field at fault, e.g. `body.email`.' }),
    }),
  })
  .meta({ id: 'Error', description: 'Every non-2xx response has this shape.' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `Idempotency-Key` header: required on creating POSTs that declare it; 1-255 visible ASCII characters. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII')
  .meta({ description: 'Client-chosen key that makes the request safe to retry (kept 24 h).' });

export const OrgId = z.string().regex(/^org_[0-9a-z]{8,40}$/, 'not an organization id').max(44);
export const UserId = z.string().min(1).max(128);
export const Email = z.email().max(254).toLowerCase();
export const Locale = z.enum(LOCALES).meta({ id: 'Locale' });
export type Locale = z.infer<typeof Locale>;
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code');
/** E.164: `+` and 7 to 15 digits. */
export const Phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number such as +33612345678').meta({ example: '+33612345678' });
/** Cognito's limits: at least 12 (ASVS 6.2.1), up to 256 accepted as is, never truncated (6.2.4, 6.2.9). */
export const Password = z.string().min(12, 'at least 12 characters').max(256).meta({ format: 'password', writeOnly: true });
export const PersonName = z.string().trim().min(1).max(100);
export const PostalAddress = z
  .strictObject({
    line1: z.string().trim().min(1).max(120),
    line2: z.string().trim().max(120).optional(),
    city: z.string().trim().min(1).max(80),
    postalCode: z.string().trim().min(2).max(12).regex(/^[A-Za-z0-9 -]+$/, 'letters, digits, spaces and dashes'),
    region: z.string().trim().max(80).optional(),
    country: CountryCode,
  })
  .meta({ id: 'PostalAddress' });
export const IsoDateTime = z.iso.datetime({ offset: true });
export const PageLimit = z.coerce.number().int().min(1).max(100).default(25);
export const Cursor = z.string().min(1).max(2048).meta({ description: 'Opaque, signed; only valid for the caller that got it.' });
export const OrgRole = z.enum(ORG_ROLES).meta({ id: 'OrgRole' });
export type OrgRole = z.infer<typeof OrgRole>;

/** A page of items with the cursor of the next page, if any. */
export const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().optional() });
