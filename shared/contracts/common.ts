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
export const IsoDateTime = z.iso.datetime({ offset: true });
export const PageLimit = z.coerce.number().int().min(1).max(100).default(25);
export const Cursor = z.string().min(1).max(2048).meta({ description: 'Opaque, signed; only valid for the caller that got it.' });
export const OrgRole = z.enum(ORG_ROLES).meta({ id: 'OrgRole' });
export type OrgRole = z.infer<typeof OrgRole>;

/** A page of items with the cursor of the next page, if any. */
export const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().optional() });
