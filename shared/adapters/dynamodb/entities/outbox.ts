import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { ET, type Item } from '../commands.ts';
import { keys } from '../keys.ts';

/** `_et` of outbox items (the stream consumer's event filter matches it). */
export const OUTBOX_ENTITY = 'Outbox';

/**
 * OUTBOX#<messageId> / OUTBOX. Written in the same transaction as the business change; the stream consumer
 * sends it and marks it sent (then TTL removes it after 7 days); a scheduled sweeper re-sends what is still
 * pending after an outage. `sealed` carries secrets (a verification code) encrypted; nothing secret is ever
 * stored in clear. While pending, the item is in gsi2 (OUTBOX#PENDING / <createdAt>#<messageId>): the
 * sweeper's work list, removed when it is sent or fails.
 */
export interface OutboxItem {
  messageId: string;
  kind: 'email';
  template: string;
  locale: string;
  to: string;
  data: Record<string, unknown>;
  sealed?: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  createdAt: string;
  sentAt?: string;
  providerMessageId?: string;
  lastError?: string;
  ttl?: number;
}

/** The stored item of a new pending email: the secret part sealed, its keys and sparse gsi2 entry. */
export function pendingEmailItem(req: EmailRequest, deps: { sealer: Sealer; ids: Ids; clock: Clock }): Item {
  const messageId = deps.ids.next('msg');
  const createdAt = deps.clock.now().toISOString();
  const hasSecret = req.secret !== undefined && Object.keys(req.secret).length > 0;
  const item: OutboxItem = {
    messageId,
    kind: 'email',
    template: req.template,
    locale: req.locale,
    to: req.to,
    data: req.data as Record<string, unknown>,
    ...(hasSecret ? { sealed: deps.sealer.seal(JSON.stringify(req.secret)) } : {}),
    status: 'pending',
    attempts: 0,
    createdAt,
  };
  return { ...keys.outbox(messageId), [ET]: OUTBOX_ENTITY, ...item, ...keys.outboxPending(createdAt, messageId) };
}
