import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyConflictError } from '#shared/domain/errors.ts';
import { cancellationReasons } from './idempotent-write.ts';

/** A write lost to a concurrent one (TransactionConflict), or an in-flight twin of an idempotent request. */
export function isContention(e: unknown): boolean {
  const name = (e as { name?: string } | undefined)?.name;
  if (name === 'TransactionConflictException') return true;
  if (e instanceof IdempotencyConflictError && e.code === 'request_in_progress') return true;
  return cancellationReasons(e)?.some((r) => r.Code === 'TransactionConflict') ?? false;
}

/**
 * Retries `fn` with jittered exponential backoff while it loses to concurrent writes: ticket writes on the
 * desk's one intake item under a burst, invoice batch runs meeting on the same invoice or counter. An
 * in-flight twin of an idempotent request is retried the same way, until it has committed and replays.
 */
export async function withContentionRetry<T>(fn: () => Promise<T>, maxAttempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= maxAttempts || !isContention(e)) throw e;
      const base = Math.min(20 * 2 ** attempt, 1000);
      await sleep(base / 2 + randomInt(0, base / 2 + 1));
    }
  }
}
