import { createHash } from 'node:crypto';

/**
 * An idempotent request: the client's key, scoped to who sent it (org + user + operation), and a fingerprint
 * of what was asked. The same key with another fingerprint is a client bug (422); the same key and
 * fingerprint replays the stored response.
 */
export interface IdempotencyContext {
  scope: string;
  key: string;
  fingerprint: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** Keys are kept 24 h (then a reuse is a new request). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** JSON with sorted keys, so semantically equal bodies fingerprint equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function idempotencyContext(input: { operationId: string; userId: string; orgId?: string | undefined; key: string; request: unknown }): IdempotencyContext {
  return {
    scope: `${input.orgId ?? '-'}#${input.userId}#${input.operationId}`,
    key: input.key,
    fingerprint: createHash('sha256').update(canonicalJson(input.request)).digest('base64url'),
  };
}

/**
 * A deterministic id for the entity an idempotent request creates: a retry after a crash targets the same
 * item, so the entity's own conditional write prevents a duplicate even without the idempotency record.
 */
export function idempotentEntityId(prefix: string, ctx: IdempotencyContext): string {
  const digest = createHash('sha256').update(`${ctx.scope}\u0000${ctx.key}`).digest();
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
  let out = '';
  for (let i = 0; i < 20; i++) out += ALPHABET[(digest[i] as number) % 32];
  return `${prefix}_${out}`;
}
