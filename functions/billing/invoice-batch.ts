import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { ENV, optionalEnv } from '#shared/config/env.ts';
import { type BatchResult, runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import { scheduledTarget } from '#shared/domain/billing/period.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { logger } from '#shared/lib/logger.ts';

/**
 * BI-2: invoked by EventBridge Scheduler (daily for per-order orgs, on the first day of each quarter for
 * quarterly ones) with `{ "kind": "per_order" | "quarterly", "scheduledTime": "<aws.scheduler.scheduled-time>" }`;
 * `date` or `period` in the event override the computed target (a manual re-run). A run that nears the
 * Lambda timeout stops after a page and throws: the schedule's retry policy invokes it again and it resumes
 * from its checkpoint; a run that keeps failing lands in the schedule's DLQ (alarmed).
 */
export interface InvoiceBatchEvent {
  kind?: 'per_order' | 'quarterly';
  scheduledTime?: string;
  date?: string;
  period?: string;
  orgIds?: string[];
}

/** Stop with this much time left: a page of tickets plus the checkpoint write fit well within it. */
const SAFETY_MS = 60_000;

export class BatchIncompleteError extends Error {
  override name = 'BatchIncompleteError';
}

export const handler = async (event: InvoiceBatchEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<BatchResult> => {
  const timeZone = optionalEnv(ENV.billingTimeZone) ?? 'Europe/Paris';
  const at = event.scheduledTime && !Number.isNaN(Date.parse(event.scheduledTime)) ? new Date(event.scheduledTime) : systemClock.now();
  const target = event.date || event.period ? { date: event.date, period: event.period } : (() => {
    const t = scheduledTarget(event.kind ?? 'per_order', at, timeZone);
    return t.kind === 'date' ? { date: t.date } : { period: t.period };
  })();
  const remaining = () => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
  // A quarter of the invocation's time, at most SAFETY_MS, is kept for the page in flight and the checkpoint.
  const reserve = Math.min(SAFETY_MS, remaining() / 4);
  const result = await runInvoiceBatch(
    { ...target, orgIds: event.orgIds },
    { store: billingBatchStore({ sealer: await getSealer() }), vat: viesRegistry(), clock: systemClock, timeZone, invoicesUrl: optionalEnv(ENV.invoicesUrl) },
    { shouldStop: () => remaining() < reserve },
  );
  logger.info('invoice batch', { ...result, period: result.period.label });
  if (!result.complete) throw new BatchIncompleteError(`invoice batch ${result.runKey} stopped after page ${result.pages}; the retry resumes it`);
  return result;
};
