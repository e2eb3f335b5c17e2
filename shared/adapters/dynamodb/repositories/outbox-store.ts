import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxMessage, OutboxStore } from '#shared/domain/email/outbox.ts';
import { type Item, getItem, query, send, tableName } from '../commands.ts';
import { keys } from '../keys.ts';
import { GSIS, TABLE_KEYS } from '../table-def.ts';

const SENT_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * The consumer side of the outbox (stream consumer and sweeper): these functions only read and flag outbox
 * items. Writers put the item of entities/outbox.ts in their own transaction (`outboxPut`).
 */
export const dynamoOutboxStore: OutboxStore = {
  async get(messageId) {
    const item = await getItem(keys.outbox(messageId));
    return item ? toMessage(item) : undefined;
  },

  async markSent(messageId, providerMessageId, at) {
    await send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.outbox(messageId),
        UpdateExpression: 'SET #status = :sent, sentAt = :at, providerMessageId = :pid, #ttl = :ttl REMOVE #g2pk, #g2sk',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#ttl': TABLE_KEYS.ttl, '#g2pk': GSIS.gsi2.partitionKey, '#g2sk': GSIS.gsi2.sortKey },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':pending': 'pending',
          ':at': at.toISOString(),
          ':pid': providerMessageId,
          ':ttl': Math.floor(at.getTime() / 1000) + SENT_RETENTION_SECONDS,
        },
      }),
    );
  },

  async recordFailure(messageId, reason, at, giveUp) {
    await send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.outbox(messageId),
        UpdateExpression: giveUp
          ? 'SET lastError = :err, #status = :failed ADD attempts :one REMOVE #g2pk, #g2sk'
          : 'SET lastError = :err ADD attempts :one',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', ...(giveUp ? { '#g2pk': GSIS.gsi2.partitionKey, '#g2sk': GSIS.gsi2.sortKey } : {}) },
        ExpressionAttributeValues: { ':err': `${at.toISOString()} ${reason}`, ':one': 1, ':pending': 'pending', ...(giveUp ? { ':failed': 'failed' } : {}) },
      }),
    );
  },

  async listPending(olderThan, limit) {
    const { Items } = await query({
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': GSIS.gsi2.partitionKey, '#sk': GSIS.gsi2.sortKey },
      ExpressionAttributeValues: { ':pk': keys.outboxPendingPartition, ':before': olderThan.toISOString() },
      Limit: limit,
    });
    return Items.map(toMessage);
  },
};

function toMessage(it: Item): OutboxMessage {
  return {
    messageId: String(it.messageId),
    template: String(it.template),
    locale: String(it.locale),
    to: String(it.to),
    data: (it.data ?? {}) as Record<string, unknown>,
    sealed: typeof it.sealed === 'string' ? it.sealed : undefined,
    status: it.status as OutboxMessage['status'],
    attempts: Number(it.attempts ?? 0),
    createdAt: String(it.createdAt),
  };
}
