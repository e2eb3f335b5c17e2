import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DESK_ENTITY } from '#shared/adapters/dynamodb/entities/desk.ts';
import { putShippedAssets } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';
import { SHIPPED_STATUS, projectShippedTicket } from '#shared/domain/account/devices.ts';
import type { Ticket } from '#shared/domain/desk/model.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { logger } from '#shared/lib/logger.ts';


type ShippedTicket = Parameters<typeof projectShippedTicket>[0];

/**
 * The ticket a stream record shows reaching Ready to bill (the devices shipped): a ticket item whose new
 * image is in that status and whose old image was not. Other records (the event filter in AWS already
 * drops most) give undefined.
 */
export function shippedTicketOf(record: DynamoDBRecord): ShippedTicket | undefined {
  if (record.eventName !== 'MODIFY' && record.eventName !== 'INSERT') return undefined;
  const image = record.dynamodb?.NewImage;
  if (image?.[TABLE_KEYS.entityType]?.S !== DESK_ENTITY.ticket || image.status?.S !== SHIPPED_STATUS) return undefined;
  if (record.dynamodb?.OldImage?.status?.S === SHIPPED_STATUS) return undefined;
  const t = unmarshall(image as Record<string, AttributeValue>) as Partial<Ticket>;
  if (!t.orgId || !t.ticketId || !t.reference || !t.deliveryAddress) return undefined;
  return {
    orgId: t.orgId,
    ticketId: t.ticketId,
    reference: t.reference,
    status: SHIPPED_STATUS,
    deviceModel: t.deviceModel,
    shipDate: t.shipDate,
    serialNumbers: t.serialNumbers,
    deliveryAddress: t.deliveryAddress,
  };
}

const deps = { store: { putShippedAssets }, clock: systemClock };

/**
 * AC-5 "filled from shipped tickets": a DynamoDB stream consumer that writes the org's assets when one of
 * its tickets ships (docs/data-model.md, P60). Records are handled in order; at the first failure it stops
 * and reports that record, so the event source mapping retries from there (then bisects, then hands a
 * record that keeps failing to the on-failure queue). Writes are idempotent: a replay rewrites the same
 * asset values, and a staff import of the same serial is never overwritten.
 */
export async function handleShipmentStream(event: DynamoDBStreamEvent, given = deps): Promise<DynamoDBBatchResponse> {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const ticket = shippedTicketOf(record);
    if (!ticket) continue;
    try {
      const written = await projectShippedTicket(ticket, given);
      logger.info('shipped devices projected', { ticketId: ticket.ticketId, orgId: ticket.orgId, written });
    } catch (e) {
      logger.warn('device projection failed', { ticketId: ticket.ticketId, reason: (e as Error).name, detail: (e as Error).message });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break;
    }
  }
  return { batchItemFailures };
}

export const handler = (event: DynamoDBStreamEvent) => handleShipmentStream(event);
