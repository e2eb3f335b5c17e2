import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { dynamoOutboxStore } from '#shared/adapters/dynamodb/repositories/outbox-store.ts';
import { sesMailer } from '#shared/adapters/ses/mailer.ts';
import { type DeliveryDeps, deliverOutboxMessage } from '#shared/domain/email/outbox.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { logger } from '#shared/lib/logger.ts';

/** Messages younger than this are left to the stream consumer. */
const GRACE_MS = 2 * 60 * 1000;
const PAGE = 100;

export interface SweepResult {
  examined: number;
  sent: number;
  failed: number;
}

/**
 * Re-sends outbox messages still pending after the grace period: those whose stream record failed during a
 * provider outage and went to the on-failure destination. Stops at the first transient failure (the
 * provider is still down; the next run continues).
 */
export async function sweepOutbox(d: DeliveryDeps, opts: { graceMs?: number; maxMessages?: number } = {}): Promise<SweepResult> {
  const olderThan = new Date(d.clock.now().getTime() - (opts.graceMs ?? GRACE_MS));
  const result: SweepResult = { examined: 0, sent: 0, failed: 0 };
  const max = opts.maxMessages ?? 1000;
  while (result.examined < max) {
    const batch = await d.store.listPending(olderThan, Math.min(PAGE, max - result.examined));
    if (batch.length === 0) break;
    for (const msg of batch) {
      result.examined++;
      try {
        if ((await deliverOutboxMessage(msg.messageId, d)) === 'sent') result.sent++;
      } catch (e) {
        result.failed++;
        if ((e as Error).name === 'MailerError') {
          logger.warn('outbox sweep stopped: provider still failing', { messageId: msg.messageId });
          return result;
        }
      }
    }
    if (batch.length < PAGE) break;
  }
  logger.info('outbox sweep done', { ...result });
  return result;
}

export const handler = async () =>
  sweepOutbox({ store: dynamoOutboxStore, mailer: sesMailer(), sealer: await getSealer(), clock: systemClock });
