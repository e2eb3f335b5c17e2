import * as z from 'zod/mini';
import type { GlobalMeta } from 'zod/v4/core';
import { en } from 'zod/locales';
import { LOCALES, ORG_ROLES } from '#shared/domain/shared/vocabulary.ts';

export { ORG_ROLES };

/*
 * Contracts use zod/mini: the same validation and JSON Schema as classic zod at a quarter of the bundle
 * size (23 KB against 90 KB per handler, measured), which the 450 KB handler budget needs. Error messages
 * come from the English locale, loaded once here.
 */
z.config(en());

/**
 * Builds a top-level schema or route at module load, as a bare expression would, in a call that every use site
 * annotates with `@__PURE__`: esbuild can then drop the ones a handler bundle does not reach. A handler imports
 * its route from its context's module, which otherwise builds every schema and route of that context (and the
 * common ones) at each cold start. Only the annotation at the call site counts (esbuild does not carry
 * `@__NO_SIDE_EFFECTS__` across modules), so keep it on new declarations. `withMeta` registers metadata, the one
 * effect: a schema a bundle drops is one nothing in that bundle reads.
 */
export function shakable<T>(build: () => T): T {
  return build();
}

/**
 * OpenAPI metadata on a schema. Clones first: shared schemas (Email, PostalAddress...) get different
 * descriptions in different places, and registering on the shared instance would overwrite them.
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, meta: GlobalMeta): T {
  const copy = schema.clone() as T;
  (z.globalRegistry as unknown as { add(s: unknown, m: GlobalMeta): void }).add(copy, meta);
  return copy;
}

/** The enumerated `error.type` values of the error model (as Stripe does: a small closed set). */
export const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'authorization_error',
  'not_found_error',
  'conflict_error',
  'idempotency_error',
  'rate_limit_error',
  'card_error',
  'api_error',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const ErrorBody = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    error: z.strictObject({
      type: z.enum(ERROR_TYPES),
      code: withMeta(z.string().check(z.maxLength(64)), { description: 'Stable machine-readable code, snake_case.' }),
      message: withMeta(z.string().check(z.maxLength(1024)), { description: 'Human-readable explanation; safe to show.' }),
      param: withMeta(z.optional(z.string().check(z.maxLength(256))), { description: 'The request field at fault, e.g. `body.email`.' }),
    }),
  }), { id: 'Error', description: 'Every non-2xx response has this shape.' }));
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `Idempotency-Key` header: required on creating POSTs that declare it; 1-255 visible ASCII characters. */
export const IdempotencyKey = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^[\x21-\x7e]+$/, 'must be visible ASCII')), { description: 'Client-chosen key that makes the request safe to retry (kept 24 h).' }));

export const OrgId = /* @__PURE__ */ shakable(() => z.string().check(z.regex(/^org_[0-9a-z]{8,40}$/, 'not an organization id'), z.maxLength(44)));
export const UserId = /* @__PURE__ */ shakable(() => z.string().check(z.minLength(1), z.maxLength(128)));
/**
 * Labels an email's domain may have. Every write that attaches an account to an org checks the owners of the
 * domain and of each parent domain in the same transaction (one ConditionCheck per suffix, 100 actions at
 * most), so the depth is bounded here: 16 labels is far beyond any real company's mail domain.
 */
export const MAX_EMAIL_DOMAIN_LABELS = 16;
export const Email = /* @__PURE__ */ shakable(() =>
  z.email().check(
    z.maxLength(254),
    z.refine((e) => (e.split('@')[1] ?? '').split('.').length <= MAX_EMAIL_DOMAIN_LABELS, `a mail domain of at most ${MAX_EMAIL_DOMAIN_LABELS} labels`),
    z.toLowerCase(),
  ),
);
export const Locale = /* @__PURE__ */ shakable(() => withMeta(z.enum(LOCALES), { id: 'Locale' }));
export type Locale = z.infer<typeof Locale>;
export const CountryCode = /* @__PURE__ */ shakable(() => z.string().check(z.regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code')));
/** E.164: `+` and 7 to 15 digits. */
export const Phone = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number such as +33612345678')), { example: '+33612345678' }));
/** Cognito's limits: at least 12 (ASVS 6.2.1), up to 256 accepted as is, never truncated (6.2.4, 6.2.9). */
export const Password = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.minLength(12, 'at least 12 characters'), z.maxLength(256)), { format: 'password', writeOnly: true }));
export const PersonName = /* @__PURE__ */ shakable(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(100)));
export const PostalAddress = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    line1: z.string().check(z.trim(), z.minLength(1), z.maxLength(120)),
    line2: z.optional(z.string().check(z.trim(), z.maxLength(120))),
    city: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
    postalCode: z.string().check(z.trim(), z.minLength(2), z.maxLength(12), z.regex(/^[A-Za-z0-9 -]+$/, 'letters, digits, spaces and dashes')),
    region: z.optional(z.string().check(z.trim(), z.maxLength(80))),
    country: CountryCode,
  }), { id: 'PostalAddress' }));
/** ISO 8601 with an offset; 40 characters cover nanoseconds and `+hh:mm`. */
export const IsoDateTime = /* @__PURE__ */ shakable(() => z.iso.datetime({ offset: true }).check(z.maxLength(40)));
/** ISO 8601 in UTC (`Z`), as the server writes timestamps. */
export const UtcDateTime = /* @__PURE__ */ shakable(() => z.iso.datetime().check(z.maxLength(40)));
/** A string bounded by `max` (OWASP API4: every string in the document has a maxLength); for response fields, the input's limit. */
export const text = (max: number) => z.string().check(z.maxLength(max));
export const PageLimit = /* @__PURE__ */ shakable(() => z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(1), z.maximum(100))), 25));
export const Cursor = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.minLength(1), z.maxLength(2048)), { description: 'Opaque, signed; only valid for the caller that got it.' }));
export const OrgRole = /* @__PURE__ */ shakable(() => withMeta(z.enum(ORG_ROLES), { id: 'OrgRole' }));
export type OrgRole = z.infer<typeof OrgRole>;

/** A page of items with the cursor of the next page, if any. */
export const page = <T extends z.ZodMiniType>(item: T) =>
  z.strictObject({ items: z.array(item).check(z.maxLength(100)), nextCursor: z.optional(z.string().check(z.maxLength(2048))) });
