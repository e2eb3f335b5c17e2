import { safeParse } from 'zod/mini';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RequestSpec, type RouteSpec, routeKey } from '#shared/contracts/route.ts';
import { CreateDeviceRequestBody, DeliveryAddress, TransitionBody, createDeviceRequest, transitionTicket } from '#shared/contracts/routes/desk.ts';
import { E164, postalCodeProblem } from '#shared/domain/desk/address.ts';
import { TICKET_STATUSES, type QueueEntry, type TicketStatus } from '#shared/domain/desk/model.ts';
import {
  MAX_ATTACHMENT_BYTES,
  MAX_PROMOTIONS_PER_WRITE,
  admitsNewTicket,
  canSeeTicket,
  checkStoredObject,
  checkTransition,
  excerpt,
  needsCertificate,
  promotionsDue,
  ticketReference,
} from '#shared/domain/desk/rules.ts';
import { promotionPlan } from '#shared/domain/desk/workflow.ts';

describe('SD-2 status graph', () => {
  it('lets staff take exactly Review -> Ready to ship and Ready to ship -> Ready to bill', () => {
    const staffEdges = TICKET_STATUSES.flatMap((from) => TICKET_STATUSES.filter((to) => checkTransition(from, to, 'staff').ok).map((to) => `${from}->${to}`));
    expect(staffEdges).toEqual(['review->ready_to_ship', 'ready_to_ship->ready_to_bill']);
  });

  it('leaves Queued -> Review and Ready to bill -> Billed to the system, and refuses every other move', () => {
    expect(checkTransition('queued', 'review', 'staff')).toEqual({ ok: false, reason: 'system_only' });
    expect(checkTransition('ready_to_bill', 'billed', 'staff')).toEqual({ ok: false, reason: 'system_only' });
    expect(checkTransition('queued', 'review', 'system')).toEqual({ ok: true });
    expect(checkTransition('ready_to_bill', 'billed', 'system')).toEqual({ ok: true });
    const any = (from: TicketStatus) => TICKET_STATUSES.filter((to) => checkTransition(from, to, 'system').ok);
    expect(any('billed')).toEqual([]);
    expect(checkTransition('review', 'ready_to_bill', 'system')).toEqual({ ok: false, reason: 'not_an_edge' });
    expect(checkTransition('ready_to_ship', 'review', 'staff')).toEqual({ ok: false, reason: 'not_an_edge' });
    expect(checkTransition('review', 'review', 'staff')).toEqual({ ok: false, reason: 'not_an_edge' });
  });

  it('numbers references GEM-<n>', () => {
    expect(ticketReference(1)).toBe('GEM-1');
    expect(ticketReference(10432)).toBe('GEM-10432');
  });

  it('asks for a certificate only when an apprentice request leaves Review', () => {
    expect(needsCertificate({ apprentice: true, status: 'review' }, 'ready_to_ship')).toBe(true);
    expect(needsCertificate({ apprentice: false, status: 'review' }, 'ready_to_ship')).toBe(false);
    expect(needsCertificate({ apprentice: true, status: 'ready_to_ship' }, 'ready_to_bill')).toBe(false);
  });
});

describe('intake capacity', () => {
  it('admits a new ticket only while Review is under capacity and nobody waits', () => {
    expect(admitsNewTicket({ open: 9, queued: 0, capacity: 10 })).toBe(true);
    expect(admitsNewTicket({ open: 10, queued: 0, capacity: 10 })).toBe(false);
    expect(admitsNewTicket({ open: 3, queued: 1, capacity: 10 })).toBe(false);
  });

  it('promotes as many queued tickets as the freed capacity takes, bounded per write, none while over capacity', () => {
    expect(promotionsDue({ open: 10, queued: 5, capacity: 10 }, 1)).toBe(1);
    expect(promotionsDue({ open: 10, queued: 0, capacity: 10 }, 1)).toBe(0);
    expect(promotionsDue({ open: 30, queued: 5, capacity: 10 }, 1)).toBe(0);
    expect(promotionsDue({ open: 10, queued: 3, capacity: 50 }, 0)).toBe(3);
    expect(promotionsDue({ open: 0, queued: 100, capacity: 100 }, 0)).toBe(MAX_PROMOTIONS_PER_WRITE);
  });

  it('plans promotions oldest first, moving the gauge by exactly what it promotes and expecting the gauge it read', () => {
    const entry = (n: number): QueueEntry => ({
      number: n,
      orgId: 'org_a',
      ticketId: `tkt_${n}`,
      reference: `GEM-${n}`,
      createdAt: `2026-01-01T00:00:0${n}.000Z`,
      requester: { userId: `u${n}`, email: `u${n}@a.example`, name: `U${n}`, locale: 'sv' },
    });
    const plan = promotionPlan([], 1, { capacity: 10, open: 10, queued: 3, lastNumber: 9 }, [entry(4), entry(7), entry(8)], '2026-02-01T00:00:00.000Z');
    expect(plan.tickets.map((t) => t.ticketId)).toEqual(['tkt_4']);
    expect(plan.tickets[0]).toMatchObject({ expect: { status: 'queued' }, set: { status: 'review' }, history: { from: 'queued', to: 'review', by: { role: 'system' } } });
    expect(plan.tickets[0]?.email).toMatchObject({ recipientUserId: 'u4', request: { template: 'ticket_status_changed', locale: 'sv', to: 'u4@a.example' } });
    expect(plan.intake).toEqual({ openDelta: 0, queuedDelta: -1, expect: { kind: 'exact', open: 10, queued: 3 }, dequeue: [4] });

    const raised = promotionPlan([], 0, { capacity: 10, open: 10, queued: 3, lastNumber: 9 }, [entry(4), entry(7), entry(8)], '2026-02-01T00:00:00.000Z', 12);
    expect(raised.tickets.map((t) => t.ticketId)).toEqual(['tkt_4', 'tkt_7']);
    expect(raised.intake).toMatchObject({ openDelta: 2, queuedDelta: -2, capacity: 12, dequeue: [4, 7] });
  });
});

describe('SD-3 visibility', () => {
  const ticket = { requesterId: 'alice' };
  it('shows a ticket to its requester and to site admins always, to colleagues only when the org shares tickets', () => {
    expect(canSeeTicket({ userId: 'alice', role: 'shopper' }, ticket, 'own')).toBe(true);
    expect(canSeeTicket({ userId: 'root', role: 'site_admin' }, ticket, 'own')).toBe(true);
    expect(canSeeTicket({ userId: 'bob', role: 'buyer' }, ticket, 'own')).toBe(false);
    expect(canSeeTicket({ userId: 'bob', role: 'buyer' }, ticket, 'org')).toBe(true);
  });
});

describe('delivery address and phone (SD-1)', () => {
  it.each([
    ['FR', '75002'],
    ['DE', '10115'],
    ['CH', '8001'],
    ['SE', '114 55'],
    ['SE', '11455'],
    ['GB', 'SW1A 1AA'],
    ['GB', 'm1 1ae'],
    ['NL', '1012 AB'],
    ['JP', '100-0001'],
    ['US', '94105-1234'],
    ['CA', 'K1A 0B1'],
    ['PL', '00-950'],
    ['IE', 'D02 X285'],
    ['BR', '01310-100'],
    ['HK', undefined],
  ])('accepts %s %s', (country, code) => {
    expect(postalCodeProblem(country, code)).toBeUndefined();
  });

  it.each([
    ['FR', '7500'],
    ['FR', undefined],
    ['DE', '1011A'],
    ['CH', '0800'],
    ['SE', '1145'],
    ['GB', '12345'],
    ['NL', '1012 SA'],
    ['US', '9410'],
    ['HK', '999077'],
    ['BR', '!!'],
  ])('rejects %s %s', (country, code) => {
    expect(postalCodeProblem(country, code)).toEqual(expect.any(String));
  });

  it('reports the postal code of the address as the field at fault', () => {
    const result = DeliveryAddress.safeParse({ recipient: 'A', line1: 'B', city: 'C', country: 'FR', postalCode: 'nope' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['postalCode']);
  });

  it('accepts E.164 numbers only', () => {
    expect(E164.test('+41796833744')).toBe(true);
    expect(E164.test('+1 415 555 0100')).toBe(false);
    expect(E164.test('0041796833744')).toBe(false);
    expect(E164.test('+0123456789')).toBe(false);
    expect(E164.test('+1234567890123456')).toBe(false);
  });
});

describe('request schemas', () => {
  const valid = {
    deliveryAddress: { recipient: 'Léa', line1: '1 rue', postalCode: '69003', city: 'Lyon', country: 'FR' },
    phone: '+33612345678',
    apprentice: true,
  };

  it('accepts a minimal device request and refuses unknown fields and control characters in single-line fields', () => {
    expect(CreateDeviceRequestBody.safeParse(valid).success).toBe(true);
    expect(CreateDeviceRequestBody.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    expect(CreateDeviceRequestBody.safeParse({ ...valid, internalReference: 'a\u0000b' }).success).toBe(false);
    expect(CreateDeviceRequestBody.safeParse({ ...valid, comment: 'line 1\nline 2' }).success).toBe(true);
    expect(CreateDeviceRequestBody.safeParse({ ...valid, comment: 'bell\u0007' }).success).toBe(false);
  });

  it('bounds the serial numbers of a transition (1 to 50, unique)', () => {
    const serials = (n: number) => Array.from({ length: n }, (_, i) => `SN-${i}`);
    expect(TransitionBody.safeParse({ to: 'ready_to_bill', expectedVersion: 2, serialNumbers: serials(50) }).success).toBe(true);
    expect(TransitionBody.safeParse({ to: 'ready_to_bill', expectedVersion: 2, serialNumbers: serials(51) }).success).toBe(false);
    expect(TransitionBody.safeParse({ to: 'ready_to_bill', expectedVersion: 2, serialNumbers: [] }).success).toBe(false);
  });
});

describe('stored attachments', () => {
  const pdf = { contentType: 'application/pdf', size: 100, head: new TextEncoder().encode('%PDF-1.7\n') };

  it('accepts an object whose type, size and first bytes match its declaration', () => {
    expect(checkStoredObject(pdf, 'application/pdf', 100)).toBeUndefined();
    expect(checkStoredObject({ contentType: 'image/png', size: 9, head: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]) }, 'image/png')).toBeUndefined();
    expect(checkStoredObject({ contentType: 'image/jpeg', size: 4, head: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]) }, 'image/jpeg')).toBeUndefined();
  });

  it('names what is wrong with anything else', () => {
    expect(checkStoredObject(undefined, 'application/pdf')).toBe('missing');
    expect(checkStoredObject({ ...pdf, size: MAX_ATTACHMENT_BYTES + 1 }, 'application/pdf')).toBe('too_large');
    expect(checkStoredObject(pdf, 'application/pdf', 99)).toBe('size_mismatch');
    expect(checkStoredObject({ ...pdf, contentType: 'text/html' }, 'application/pdf')).toBe('wrong_type');
    expect(checkStoredObject({ ...pdf, head: new TextEncoder().encode('<html>') }, 'application/pdf')).toBe('content_mismatch');
    expect(checkStoredObject({ ...pdf, contentType: 'image/png' }, 'image/png')).toBe('content_mismatch');
  });
});

describe('email excerpts', () => {
  it('flattens whitespace and cuts long comments with an ellipsis', () => {
    expect(excerpt('Hello\n\n  world')).toBe('Hello world');
    const long = excerpt('x'.repeat(500), 280);
    expect(long).toHaveLength(280);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('sample events (events/desk-*.json, for npm run invoke)', () => {
  const load = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', name), 'utf8'));

  it.each([
    ['desk-create-device-request.json', createDeviceRequest, CreateDeviceRequestBody],
    ['desk-transition-ticket.json', transitionTicket, TransitionBody],
  ] as const)('%s is a valid request of its route', (file, route, body) => {
    const event = load(file);
    expect(event.routeKey).toBe(routeKey(route));
    expect(body.safeParse(JSON.parse(event.body)).success).toBe(true);
    const path = (route.request as RequestSpec).path;
    if (path) expect(safeParse(path, event.pathParameters).success).toBe(true);
    if ((route as RouteSpec).idempotency === 'required') expect(event.headers['idempotency-key']).toEqual(expect.any(String));
  });
});
