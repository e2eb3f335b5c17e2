import type * as core from 'zod/v4/core';
import { safeParse } from 'zod/mini';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '#shared/domain/errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse that refuses prototype-pollution keys anywhere in the document. */
export function parseJsonStrict(text: string): unknown {
  try {
    return JSON.parse(text, function reviver(key, value) {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
      return value;
    });
  } catch (e) {
    if (e instanceof ForbiddenKey) {
      throw new ValidationError('forbidden_key', `The key "${e.key}" is not allowed in a request body.`, `body.${e.key}`);
    }
    throw new ValidationError('malformed_json', 'The request body is not valid JSON.', 'body');
  }
}

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
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
  const size = Buffer.byteLength(text, 'utf8');
  if (size > opts.maxBytes) {
    throw new PayloadTooLargeError('body_too_large', `The request body is ${size} bytes; the limit is ${opts.maxBytes}.`, 'body');
  }
  if (text.trim() === '') return undefined;
  if (!opts.expectsBody) throw new ValidationError('body_not_allowed', 'This operation takes no request body.', 'body');
  if (!isJsonContentType(raw.contentType)) {
    throw new UnsupportedMediaTypeError('unsupported_media_type', 'Send the body as application/json (UTF-8).', 'header.content-type');
  }
  return parseJsonStrict(text);
}

/** Runs a zod schema and turns the first issue into a 400 that names the field. */
export function validatePart<S extends core.$ZodType>(schema: S, value: unknown, part: 'path' | 'query' | 'header' | 'body'): core.output<S> {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ValidationError('invalid_request', `Invalid ${part}.`, part);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = paramOf([part, ...issue.path.map(String), key]);
    return fail('unknown_field', `Unknown field "${param}".`, param);
  }
  const param = paramOf([part, ...issue.path.map(String)]);
  if (issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined) {
    return fail('missing_field', `"${param}" is required.`, param);
  }
  return fail('invalid_field', `"${param}": ${issue.message}`, param);
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

function fail(code: string, message: string, param: string): never {
  throw new ValidationError(code, message, param);
}
