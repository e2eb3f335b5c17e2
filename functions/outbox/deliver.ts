import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { dynamoOutboxStore } from '#shared/adapters/dynamodb/repositories/outbox-store.ts';
import { sesMailer } from '#shared/adapters/ses/mailer.ts';
import { TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';
import { type DeliveryDeps, deliverOutboxMessage } from '#shared/domain/email/outbox.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { logger } from '#shared/lib/logger.ts';

let deps: DeliveryDeps | undefined;
const getDeps = async (): Promise<DeliveryDeps> =>
  (deps ??= { store: dynamoOutboxStore, mailer: sesMailer(), sealer: await getSealer(), clock: systemClock });

/** The outbox message id of a stream record, if it is the insert of an outbox item. */
export function outboxMessageId(record: DynamoDBRecord): string | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const image = record.dynamodb?.NewImage;
  if (image?.[TABLE_KEYS.entityType]?.S !== 'Outbox') return undefined;
  return image.messageId?.S;
}

/**
 * DynamoDB stream consumer of the transactional outbox. Records are handled in order; at the first failure
 * it stops and reports that record, so the event source mapping retries from there (bisecting, then handing
 * a record that keeps failing to the on-failure destination). The message itself stays pending until sent,
 * and the sweeper re-sends it after an outage: a failure here never loses an email.
 */
export async function handleOutboxStream(event: DynamoDBStreamEvent, given?: DeliveryDeps): Promise<DynamoDBBatchResponse> {
  const d = given ?? (await getDeps());
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const messageId = outboxMessageId(record);
    if (!messageId) continue;
    try {
      const outcome = await deliverOutboxMessage(messageId, d);
      logger.info('outbox message processed', { messageId, outcome });
    } catch (e) {
      logger.warn('outbox delivery failed', { messageId, reason: (e as Error).name, detail: (e as Error).message });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break;
    }
  }
  return { batchItemFailures };
}

export const handler = (event: DynamoDBStreamEvent) => handleOutboxStream(event);
