import { randomInt, randomUUID } from 'node:crypto';
import { putItem } from '#shared/adapters/dynamodb/commands.ts';
import { deskEntryItem, ticketItem } from '#shared/adapters/dynamodb/entities/desk.ts';
import { putSettings } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { type BillingMode, defaultBillingSettings } from '#shared/domain/billing/model.ts';
import type { Ticket } from '#shared/domain/desk/model.ts';
import { summaryOf } from '#shared/domain/desk/views.ts';
import type { Org } from '#shared/domain/identity/model.ts';

/**
 * Tickets already in Ready to bill, written as the desk writes them (ticket item on the status index and
 * its list entry), for batch tests that need many of them fast. The desk's own flow to Ready to bill is
 * covered by its tests and by the billing journey (test/e2e/billing-journey.test.ts).
 */
export async function putReadyTicket(
  org: Org,
  opts: { readyAt?: string; createdAt?: string; deviceModel?: string; serials?: string[]; internalReference?: string; requester?: { userId: string; email: string; name: string; locale: 'en' | 'fr' | 'de' | 'sv' | 'ja' } } = {},
) {
  const number = 900_000_000 + randomInt(0, 99_999_999);
  const ticketId = `tkt_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const readyAt = opts.readyAt ?? new Date().toISOString();
  const createdAt = opts.createdAt ?? new Date(new Date(readyAt).getTime() - 3 * 86_400_000).toISOString();
  const requester = opts.requester ?? { userId: `u_${number}`, email: `requester-${number}@example.com`, name: 'Léa Martin', locale: 'fr' as const };
  const reference = `GEM-${number}`;
  const ticket: Ticket = {
    orgId: org.orgId,
    ticketId,
    orgName: org.name,
    number,
    reference,
    status: 'ready_to_bill',
    version: 3,
    requester,
    deliveryAddress: { recipient: 'Noah Petit', line1: '21 avenue Jean Jaurès', postalCode: '69007', city: 'Lyon', country: 'FR' },
    ...(opts.internalReference ? { internalReference: opts.internalReference } : {}),
    phone: '+33612345678',
    apprentice: false,
    deviceModel: opts.deviceModel ?? 'Latitude 3550',
    shipDate: readyAt.slice(0, 10),
    serialNumbers: opts.serials ?? [`SN-${number}`],
    attachments: [],
    history: [
      { at: createdAt, to: 'review', by: { role: 'requester', userId: requester.userId, name: requester.name } },
      { at: createdAt, from: 'review', to: 'ready_to_ship', by: { role: 'staff', userId: 'staff', name: 'Staff' } },
      { at: readyAt, from: 'ready_to_ship', to: 'ready_to_bill', by: { role: 'staff', userId: 'staff', name: 'Staff' } },
    ],
    createdAt,
    updatedAt: readyAt,
  };
  await putItem(ticketItem(ticket));
  await putItem(deskEntryItem(summaryOf(ticket)));
  return { ticketId, number, reference, createdAt, readyAt };
}

export async function setBillingMode(org: Org, mode: BillingMode, extra: Partial<ReturnType<typeof defaultBillingSettings>> = {}) {
  await putSettings({ ...defaultBillingSettings(org.orgId), mode, ...extra });
}
