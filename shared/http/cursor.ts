import { createHmac, timingSafeEqual } from 'node:crypto';
import { ENV } from '#shared/config/env.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { loadSecret } from '#shared/adapters/secrets/secret.ts';
import { withoutStack } from './parse.ts';

/**
 * Opaque pagination cursors: the DynamoDB LastEvaluatedKey plus the scope it belongs to (org, caller,
 * operation, filters), HMAC-signed. A cursor from another org, user or filter set, or a tampered one, is a 400.
 */
let key: Promise<Buffer> | undefined;
const cursorKey = () => (key ??= loadSecret(ENV.cursorSecret, ENV.cursorSecretArn).then((b64) => Buffer.from(b64, 'base64')));

const sign = async (payload: string) => createHmac('sha256', await cursorKey()).update(payload).digest('base64url');

export async function encodeCursor(lastKey: Record<string, unknown> | undefined, scope: string): Promise<string | undefined> {
  if (!lastKey) return undefined;
  const payload = Buffer.from(JSON.stringify({ k: lastKey, s: scope })).toString('base64url');
  return `${payload}.${await sign(payload)}`;
}

export async function decodeCursor(cursor: string | undefined, scope: string): Promise<Record<string, unknown> | undefined> {
  if (cursor === undefined) return undefined;
  const invalid = () => withoutStack(() => new ValidationError('invalid_cursor', 'This cursor is invalid here; start again from the first page.', 'query.cursor'));
  const [payload, sig] = cursor.split('.');
  if (!payload || !sig) throw invalid();
  const expected = Buffer.from(await sign(payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: Record<string, unknown>; s: string };
  if (parsed.s !== scope) throw invalid();
  return parsed.k;
}
