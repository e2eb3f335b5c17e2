import type * as core from 'zod/v4/core';
import { $ZodAsyncError } from 'zod/v4/core';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '#shared/domain/errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Builds an error for bad request input without capturing a stack. These are expected answers (400/413/415),
 * mapped and logged by code and field, never by stack; capturing one is most of what a rejected request costs.
 * The limit is restored before anything else runs.
 */
export function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * A literal forbidden key, or any `\u` escape (which could spell one): only then does the document need the
 * key-checking parse; without either, no key of the parsed document can be a forbidden one.
 */
function mayHoldForbiddenKey(text: string): boolean {
  return text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u');
}

/** JSON.parse that refuses prototype-pollution keys anywhere in the document. */
export function parseJsonStrict(text: string): unknown {
  const checkKeys = mayHoldForbiddenKey(text);
  try {
    return withoutStack(() =>
      checkKeys
        ? JSON.parse(text, function reviver(key, value) {
            if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
            return value;
          })
        : JSON.parse(text),
    );
  } catch (e) {
    if (e instanceof ForbiddenKey) {
      throw withoutStack(() => new ValidationError('forbidden_key', `The key "${e.key}" is not allowed in a request body.`, `body.${e.key}`));
    }
    throw withoutStack(() => new ValidationError('malformed_json', 'The request body is not valid JSON.', 'body'));
  }
}

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  if (value === 'application/json') return true;
  const [type, ...params] = value.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  const charset = params.find((p) => p.startsWith('charset='));
  return !charset || charset === 'charset=utf-8';
}

export interface RawBody {
  body: string | undefined;
  isBase64Encoded: boolean;
  contentType: string | undefined;
}

/** Decodes and checks a request body: 413 over the limit, 415 unless JSON, 400 when malformed or unexpected. */
export function readJsonBody(raw: RawBody, opts: { maxBytes: number; expectsBody: boolean }): unknown {
  const text = raw.body === undefined ? '' : raw.isBase64Encoded ? Buffer.from(raw.body, 'base64').toString('utf8') : raw.body;
  // A UTF-16 code unit is at most 3 bytes of UTF-8: only a text that long can be over the limit.
  if (text.length * 3 > opts.maxBytes) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > opts.maxBytes) {
      throw withoutStack(() => new PayloadTooLargeError('body_too_large', `The request body is ${size} bytes; the limit is ${opts.maxBytes}.`, 'body'));
    }
  }
  if (text.trim() === '') return undefined;
  if (!opts.expectsBody) throw withoutStack(() => new ValidationError('body_not_allowed', 'This operation takes no request body.', 'body'));
  if (!isJsonContentType(raw.contentType)) {
    throw withoutStack(() => new UnsupportedMediaTypeError('unsupported_media_type', 'Send the body as application/json (UTF-8).', 'header.content-type'));
  }
  return parseJsonStrict(text);
}

/** One request part checked: its parsed value, or the 400 that names the field at fault (returned, not thrown). */
export type PartResult<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

/**
 * Runs a zod schema and turns the first issue into a 400 that names the field.
 *
 * It runs the schema as `safeParse` does (`_zod.run`, a sync context) and reads the first raw issue: its code,
 * path and keys are final as raised. Only an `invalid_field` answer quotes zod's message; that one is taken from
 * the schema's Standard Schema `validate` (the same parse, issues finalized, no error object). `safeParse(...).error`
 * would build a ZodError, with a stack, which costs several times the parse itself.
 */
export function checkPart<S extends core.$ZodType>(schema: S, value: unknown, part: 'path' | 'query' | 'header' | 'body'): PartResult<core.output<S>> {
  const result = schema._zod.run({ value, issues: [] }, { async: false });
  if (result instanceof Promise) throw new $ZodAsyncError();
  const issue = result.issues[0];
  if (issue === undefined) return { ok: true, value: result.value as core.output<S> };
  const path = (issue.path ?? []).map(String);
  if (issue.code === 'unrecognized_keys') {
    const param = paramOf([part, ...path, issue.keys[0] ?? '']);
    return rejected('unknown_field', `Unknown field "${param}".`, param);
  }
  const param = paramOf([part, ...path]);
  if (issue.code === 'invalid_type' && valueAt(value, issue.path ?? []) === undefined) {
    return rejected('missing_field', `"${param}" is required.`, param);
  }
  return rejected('invalid_field', `"${param}": ${messageOf(schema, value)}`, param);
}

/** zod's message for the first issue (its error maps and locale applied). */
function messageOf(schema: core.$ZodType, value: unknown): string {
  const checked = schema['~standard'].validate(value);
  if (checked instanceof Promise) {
    // Not reached: an async or throwing schema has already failed the run above. Never leave it unhandled.
    checked.catch(() => undefined);
    return 'Invalid input';
  }
  return checked.issues?.[0]?.message ?? 'Invalid input';
}

/** {@link checkPart}, with the 400 thrown. */
export function validatePart<S extends core.$ZodType>(schema: S, value: unknown, part: 'path' | 'query' | 'header' | 'body'): core.output<S> {
  const checked = checkPart(schema, value, part);
  if (checked.ok) return checked.value;
  throw checked.error;
}

/**
 * The field path echoed in `param` and the message. Keys come from the request (unknown fields, record keys):
 * control characters become `?` and each key is cut at 64 characters, so the echo stays short and one line.
 */
function paramOf(keys: string[]): string {
  return keys.map((k) => (k.length > 64 ? `${k.slice(0, 64)}...` : k).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?')).join('.').slice(0, 256);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function rejected(code: string, message: string, param: string): { ok: false; error: ValidationError } {
  return { ok: false, error: withoutStack(() => new ValidationError(code, message, param)) };
}
