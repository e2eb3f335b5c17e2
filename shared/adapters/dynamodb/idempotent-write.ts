import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { type ExecuteTransactWriteInput, execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { IdempotencyConflictError, IdempotencyMismatchError } from '#shared/domain/errors.ts';
import { IDEMPOTENCY_TTL_SECONDS, type IdempotencyContext, type StoredResponse } from '#shared/domain/shared/idempotency.ts';
import { IdempotencyEntity } from './entities/idempotency.ts';
import { table } from './table.ts';

/** Any toolbox write transaction (put, update, delete, condition check). */
export type WriteTransaction = Extract<ExecuteTransactWriteInput[number], { params: unknown }>;

/**
 * A plain TransactWriteItems entry (a DocumentClient `Put`/`Update`/`ConditionCheck` object) as one of the
 * writes above, for repositories that write without an entity (billing). `execute` only calls `params()`.
 */
export const rawWrite = (item: Record<string, unknown>) => ({ params: () => item }) as unknown as WriteTransaction;

export interface CancellationReason {
  Code?: string;
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
  writes: WriteTransaction[],
  now: Date,
  onCancelled?: (reasons: CancellationReason[]) => never | void,
): Promise<{ replayed: boolean; response: StoredResponse }> {
  table();
  const record = IdempotencyEntity.build(PutTransaction)
    .item({
      scope: ctx.scope,
      key: ctx.key,
      fingerprint: ctx.fingerprint,
      status: response.status,
      body: response.body,
      createdAt: now.toISOString(),
      ttl: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    })
    .options({ condition: { attr: 'scope', exists: false } });
  try {
    await execute(...([record, ...writes] as ExecuteTransactWriteInput));
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

export function cancellationReasons(e: unknown): CancellationReason[] | undefined {
  const err = e as { name?: string; CancellationReasons?: CancellationReason[] };
  return err?.name === 'TransactionCanceledException' ? (err.CancellationReasons ?? []) : undefined;
}

async function find(ctx: IdempotencyContext) {
  const { Item } = await IdempotencyEntity.build(GetItemCommand).key({ scope: ctx.scope, key: ctx.key }).options({ consistent: true }).send();
  return Item;
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
