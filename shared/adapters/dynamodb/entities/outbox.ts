import { Entity } from 'dynamodb-toolbox/entity';
import { item } from 'dynamodb-toolbox/schema/item';
import { string } from 'dynamodb-toolbox/schema/string';
import { number } from 'dynamodb-toolbox/schema/number';
import { any } from 'dynamodb-toolbox/schema/any';
import { keys } from '../keys.ts';
import { PortalTable } from '../table.ts';

/**
 * OUTBOX#<messageId> / OUTBOX. Written in the same transaction as the business change; the stream consumer
 * sends it and marks it sent (then TTL removes it after 7 days); a scheduled sweeper re-sends what is still
 * pending after an outage. `sealed` carries secrets (a verification
 * code) encrypted; nothing secret is ever stored in clear.
 */
export const OutboxEntity = new Entity({
  name: 'Outbox',
  table: PortalTable,
  timestamps: false,
  schema: item({
    messageId: string().key(),
    kind: string().enum('email'),
    template: string(),
    locale: string(),
    to: string(),
    data: any(),
    sealed: string().optional(),
    status: string().enum('pending', 'sent', 'failed'),
    attempts: number(),
    createdAt: string(),
    sentAt: string().optional(),
    providerMessageId: string().optional(),
    lastError: string().optional(),
    ttl: number().optional(),
    /** Sparse index of undelivered messages (set while pending, removed when sent or failed): the sweeper's work list. */
    gsi2pk: string().optional(),
    gsi2sk: string().optional(),
  }),
  computeKey: ({ messageId }) => keys.outbox(messageId),
});
