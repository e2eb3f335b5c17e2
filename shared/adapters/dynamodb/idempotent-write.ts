import { IdempotencyConflictError, IdempotencyMismatchError } from '#shared/domain/errors.ts';
import { IDEMPOTENCY_TTL_SECONDS, type IdempotencyContext, type StoredResponse } from '#shared/domain/shared/idempotency.ts';
import { type CancellationReason, ET, Expr, type TransactItem, cancellationReasons, getItem, transact, txPut } from './commands.ts';
import { keys } from './keys.ts';

export { type CancellationReason, cancellationReasons } from './commands.ts';

/** `_et` of the idempotency records. */
export const IDEMPOTENCY_ENTITY = 'Idempotency';

/**
 * IDEMPOTENCY#<scope>#<key> / IDEMPOTENCY: the stored response of a completed idempotent request (24 h TTL).
 */
interface IdempotencyRecord {
  scope: string;
  key: string;
  fingerprint: string;
  status: number;
  body?: unknown;
  createdAt: string;
  ttl: number;
}

/**
 * Runs `writes` and the idempotency record (holding `response`) in ONE TransactWriteItems: the entity exists
 * if and only if the record does, so a crash can never leave one without the other, and a request costs one
 * write call. When the record already exists the transaction is cancelled and the stored response is
 * replayed (same fingerprint) or refused (422); a concurrent in-flight twin answers 409.
 * `onCancelled` maps cancellations caused by the caller's own writes (reasons[i + 1] is writes[i]).
 */
export async function writeIdempotently(
  ctx: IdempotencyContext,
  response: StoredResponse,
  writes: readonly TransactItem[],
  now: Date,
  onCancelled?: (reasons: CancellationReason[]) => never | void,
): Promise<{ replayed: boolean; response: StoredResponse }> {
  const record: IdempotencyRecord = {
    scope: ctx.scope,
    key: ctx.key,
    fingerprint: ctx.fingerprint,
    status: response.status,
    body: response.body,
    createdAt: now.toISOString(),
    ttl: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
  const put = txPut({ ...keys.idempotency(ctx.scope, ctx.key), [ET]: IDEMPOTENCY_ENTITY, ...record }, new Expr().exists('pk', false));
  try {
    await transact([put, ...writes]);
    return { replayed: false, response };
  } catch (e) {
    const reasons = cancellationReasons(e);
    if (!reasons) throw e;
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return { replayed: true, response: await replay(ctx) };
    if (reasons.some((r) => r.Code === 'TransactionConflict')) {
      // The twin's transaction is in flight; if it committed meanwhile, replay it.
      const stored = await find(ctx);
      if (stored) return { replayed: true, response: check(ctx, stored) };
      throw new IdempotencyConflictError('request_in_progress', 'A request with this Idempotency-Key is in progress; retry shortly.');
    }
    onCancelled?.(reasons.slice(1));
    throw e;
  }
}

async function find(ctx: IdempotencyContext) {
  return (await getItem(keys.idempotency(ctx.scope, ctx.key))) as IdempotencyRecord | undefined;
}

async function replay(ctx: IdempotencyContext): Promise<StoredResponse> {
  const stored = await find(ctx);
  // Expired between the write and this read: treat like an in-flight twin (the client retries).
  if (!stored) throw new IdempotencyConflictError('request_in_progress', 'A request with this Idempotency-Key is in progress; retry shortly.');
  return check(ctx, stored);
}

function check(ctx: IdempotencyContext, stored: { fingerprint: string; status: number; body?: unknown }): StoredResponse {
  if (stored.fingerprint !== ctx.fingerprint) {
    throw new IdempotencyMismatchError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request.', 'header.idempotency-key');
  }
  return { status: stored.status, body: stored.body };
}
