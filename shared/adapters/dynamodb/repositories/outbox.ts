import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { Expr, type TransactItem, txPut } from '../commands.ts';
import { pendingEmailItem } from '../entities/outbox.ts';

/**
 * The outbox half of a business transaction: callers put the entry in their own TransactWriteItems, so the
 * email exists if and only if the change does.
 */
export function outboxPut(req: EmailRequest, deps: { sealer: Sealer; ids: Ids; clock: Clock }): TransactItem {
  return txPut(pendingEmailItem(req, deps), new Expr().exists('pk', false));
}
