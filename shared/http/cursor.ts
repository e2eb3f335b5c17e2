import { createHmac, timingSafeEqual } from 'node:crypto';
import { ENV, optionalEnv } from '#shared/config/env.ts';
import { ValidationError } from '#shared/domain/errors.ts';

/**
 * Opaque pagination cursors: the DynamoDB LastEvaluatedKey plus the scope it belongs to (org, caller,
 * operation, filters), HMAC-signed. A cursor from another org, user or filter set, or a tampered one, is a 400.
 */
let secret: Buffer | undefined;
const key = () => (secret ??= Buffer.from(optionalEnv(ENV.cursorSecret) ?? devSecret(), 'base64'));

function devSecret(): string {
  if (optionalEnv(ENV.stage) && optionalEnv(ENV.stage) !== 'local') throw new Error(`${ENV.cursorSecret} is required outside local runs`);
  return Buffer.from('local-development-cursor-secret!').toString('base64');
}

const sign = (payload: string) => createHmac('sha256', key()).update(payload).digest('base64url');

export function encodeCursor(lastKey: Record<string, unknown> | undefined, scope: string): string | undefined {
  if (!lastKey) return undefined;
  const payload = Buffer.from(JSON.stringify({ k: lastKey, s: scope })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

export function decodeCursor(cursor: string | undefined, scope: string): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => new ValidationError('invalid_cursor', 'This cursor is invalid here; start again from the first page.', 'query.cursor');
  const [payload, sig] = cursor.split('.');
  if (!payload || !sig) throw invalid();
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: Record<string, unknown>; s: string };
  if (parsed.s !== scope) throw invalid();
  return parsed.k;
}
