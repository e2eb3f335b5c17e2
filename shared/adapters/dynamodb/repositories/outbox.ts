import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { $add, $remove, UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update';
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query';
import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import type { OutboxMessage, OutboxStore } from '#shared/domain/email/outbox.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { OutboxEntity } from '../entities/outbox.ts';
import { keys } from '../keys.ts';
import { table } from '../table.ts';

const SENT_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * The outbox half of a business transaction: callers pass the result to `execute(...)` together with
 * their own writes, so the email exists if and only if the change does.
 */
export function outboxPut(req: EmailRequest, deps: { sealer: Sealer; ids: Ids; clock: Clock }) {
  const messageId = deps.ids.next('msg');
  const createdAt = deps.clock.now().toISOString();
  const hasSecret = req.secret !== undefined && Object.keys(req.secret).length > 0;
  return OutboxEntity.build(PutTransaction)
    .item({
      messageId,
      kind: 'email',
      template: req.template,
      locale: req.locale,
      to: req.to,
      data: req.data,
      sealed: hasSecret ? deps.sealer.seal(JSON.stringify(req.secret)) : undefined,
      status: 'pending',
      attempts: 0,
      createdAt,
      ...keys.outboxPending(createdAt, messageId),
    })
    .options({ condition: { attr: 'messageId', exists: false } });
}

export const dynamoOutboxStore: OutboxStore = {
  async get(messageId) {
    table();
    const { Item } = await OutboxEntity.build(GetItemCommand)
      .key({ messageId })
      .options({ consistent: true })
      .send();
    return Item ? toMessage(Item) : undefined;
  },

  async markSent(messageId, providerMessageId, at) {
    table();
    await OutboxEntity.build(UpdateItemCommand)
      .item({
        messageId,
        status: 'sent',
        sentAt: at.toISOString(),
        providerMessageId,
        ttl: Math.floor(at.getTime() / 1000) + SENT_RETENTION_SECONDS,
        gsi2pk: $remove(),
        gsi2sk: $remove(),
      })
      .options({ condition: { attr: 'status', eq: 'pending' } })
      .send();
  },

  async recordFailure(messageId, reason, at, giveUp) {
    table();
    await OutboxEntity.build(UpdateItemCommand)
      .item({
        messageId,
        attempts: $add(1),
        lastError: `${at.toISOString()} ${reason}`,
        ...(giveUp ? { status: 'failed' as const, gsi2pk: $remove(), gsi2sk: $remove() } : {}),
      })
      .options({ condition: { attr: 'status', eq: 'pending' } })
      .send();
  },

  async listPending(olderThan, limit) {
    const { Items = [] } = await table()
      .build(QueryCommand)
      .entities(OutboxEntity)
      .query({ index: 'gsi2', partition: keys.outboxPendingPartition, range: { lt: olderThan.toISOString() } })
      .options({ limit })
      .send();
    return Items.map(toMessage);
  },
};

function toMessage(it: {
  messageId: string;
  template: string;
  locale: string;
  to: string;
  data?: unknown;
  sealed?: string | undefined;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  createdAt: string;
}): OutboxMessage {
  return {
    messageId: it.messageId,
    template: it.template,
    locale: it.locale,
    to: it.to,
    data: (it.data ?? {}) as Record<string, unknown>,
    sealed: it.sealed,
    status: it.status,
    attempts: it.attempts,
    createdAt: it.createdAt,
  };
}
