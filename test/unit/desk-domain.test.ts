import { describe, expect, it, vi } from 'vitest';
import type { IntakeState, QueueEntry, Ticket } from '#shared/domain/desk/model.ts';
import { type DeskChanges, type DeskStore, StaleWriteError } from '#shared/domain/desk/ports.ts';
import { MEMBER_ORG_CURSOR_MS, createDeviceRequest, listTickets } from '#shared/domain/desk/tickets.ts';
import { transitionTicket, updateDeskIntake } from '#shared/domain/desk/workflow.ts';
import type { Principal } from '#shared/domain/identity/model.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { IdempotencyContext } from '#shared/domain/shared/idempotency.ts';
import { membership, profile } from '#test/builders/events.ts';
import { clearCursors } from '#test/support/cursors.ts';

/** The desk use cases against in-memory fakes of their ports: the decisions, not the storage. */

const NOW = new Date('2026-03-02T10:00:00.000Z');
const clock = { now: () => NOW };

function principal(role: 'buyer' | 'site_admin' = 'buyer'): Principal {
  const p = profile({ userId: 'u1', name: 'Ana', email: 'ana@acme.example' });
  const m = membership({ userId: 'u1', role });
  return { ...p, profile: p, groups: [], isStaff: false, memberships: [m], activeOrg: m } as Principal;
}

const idem: IdempotencyContext = { scope: 'org_aaaaaaaa01#u1#createDeviceRequest', key: 'k1', fingerprint: 'f1' };

/** A store whose methods fail loudly unless a test provides them. */
function fakeStore(over: Partial<DeskStore>): DeskStore {
  return new Proxy(over as DeskStore, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof DeskStore];
      return () => Promise.reject(new Error(`unexpected store call ${String(prop)}`));
    },
  });
}

const input = {
  deliveryAddress: { recipient: 'Ana', line1: '1 Main St', postalCode: '75002', city: 'Paris', country: 'FR' },
  phone: '+33612345678',
  apprentice: false,
};

const gauge = (over: Partial<IntakeState> = {}): IntakeState => ({ capacity: 10, open: 2, queued: 0, lastNumber: 41, ...over });

describe('createDeviceRequest', () => {
  it('starts in Review while there is room, numbered by the counter, with an id derived from the key', async () => {
    const createTicket = vi.fn<DeskStore['createTicket']>(async (_t, _i, response) => ({ replayed: false, response }));
    const store = fakeStore({ takeTicketNumber: async () => gauge(), createTicket });
    const { ticket } = await createDeviceRequest(input, principal(), idem, { store, clock });
    expect(ticket).toMatchObject({ reference: 'GEM-41', status: 'review', version: 1 });
    const [written] = createTicket.mock.calls[0] ?? [];
    expect(written?.queueEntry).toBeUndefined();
    const again = await createDeviceRequest(input, principal(), idem, { store, clock });
    expect(again.ticket.ticketId).toBe(ticket.ticketId);
  });

  it('queues behind waiting tickets even when Review has room, with a queue entry carrying what its promotion needs', async () => {
    const createTicket = vi.fn<DeskStore['createTicket']>(async (_t, _i, response) => ({ replayed: false, response }));
    const store = fakeStore({ takeTicketNumber: async () => gauge({ queued: 3 }), createTicket });
    const { ticket } = await createDeviceRequest(input, principal(), idem, { store, clock });
    expect(ticket.status).toBe('queued');
    expect(createTicket.mock.calls[0]?.[0].queueEntry).toMatchObject({ number: 41, reference: 'GEM-41', requester: { userId: 'u1', email: 'ana@acme.example' } });
  });

  it('takes the other branch when the gauge moved between the number and the write, keeping the number', async () => {
    const statuses: string[] = [];
    const createTicket = vi.fn<DeskStore['createTicket']>(async (t, _i, response) => {
      statuses.push(t.ticket.status);
      if (statuses.length === 1) throw new StaleWriteError([], true);
      return { replayed: false, response };
    });
    const store = fakeStore({ takeTicketNumber: async () => gauge({ open: 9 }), createTicket });
    const { ticket } = await createDeviceRequest(input, principal(), idem, { store, clock });
    expect(statuses).toEqual(['review', 'queued']);
    expect(ticket).toMatchObject({ status: 'queued', reference: 'GEM-41' });
  });

  it('answers 409 when the gauge keeps flipping, and when the key already made a ticket whose record expired', async () => {
    const flipping = fakeStore({ takeTicketNumber: async () => gauge(), createTicket: async () => Promise.reject(new StaleWriteError([], true)) });
    await expect(createDeviceRequest(input, principal(), idem, { store: flipping, clock })).rejects.toMatchObject({ code: 'desk_busy' });
    const exists = fakeStore({ takeTicketNumber: async () => gauge(), createTicket: async () => Promise.reject(new StaleWriteError([0], false)) });
    await expect(createDeviceRequest(input, principal(), idem, { store: exists, clock })).rejects.toMatchObject({ code: 'idempotency_key_expired' });
  });

  it('refuses to run without the idempotency context the route promises', async () => {
    await expect(createDeviceRequest(input, principal(), undefined, { store: fakeStore({}), clock })).rejects.toThrow(/idempotency context missing/);
  });
});

function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    ticketId: 'tkt_1',
    orgId: 'org_aaaaaaaa01',
    orgName: 'Acme',
    number: 7,
    reference: 'GEM-7',
    status: 'review',
    version: 3,
    requester: { userId: 'u9', email: 'r@acme.example', name: 'Rita', locale: 'de' },
    deliveryAddress: input.deliveryAddress,
    phone: input.phone,
    apprentice: false,
    attachments: [],
    history: [],
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    ...over,
  };
}

const staff = { ...principal(), userId: 's1', name: 'Sam', isStaff: true, activeOrg: undefined, memberships: [] } as Principal;
const files = { presignUpload: vi.fn(), presignDownload: vi.fn(), inspect: vi.fn() };
const queued = (n: number): QueueEntry => ({
  number: n,
  orgId: 'org_b',
  ticketId: `tkt_q${n}`,
  reference: `GEM-${n}`,
  createdAt: '2026-03-01T08:00:00.000Z',
  requester: { userId: `q${n}`, email: `q${n}@b.example`, name: `Q${n}`, locale: 'ja' },
});

describe('transitionTicket', () => {
  it('leaves Review optimistically, then promotes the queue head in the same write when the gauge says someone waits', async () => {
    const plans: DeskChanges[] = [];
    const store = fakeStore({
      ticketById: async () => ticket(),
      applyChanges: async (changes) => {
        plans.push(changes);
        if (plans.length === 1) throw new StaleWriteError([], true);
      },
      readIntake: async () => ({ intake: gauge({ open: 10, queued: 2 }), queue: [queued(3), queued(5)] }),
    });
    const view = await transitionTicket('tkt_1', { to: 'ready_to_ship', expectedVersion: 3, deviceModel: 'X1' }, staff, { store, files, clock });
    expect(view).toMatchObject({ status: 'ready_to_ship', version: 4, deviceModel: 'X1' });
    expect(plans[0]?.intake).toEqual({ openDelta: -1, queuedDelta: 0, expect: { kind: 'no_promotion_due' }, dequeue: [] });
    expect(plans[0]?.tickets[0]).toMatchObject({ expect: { status: 'review', version: 3 }, email: { request: { locale: 'de', to: 'r@acme.example' } } });
    expect(plans[1]?.tickets.map((t) => t.ticketId)).toEqual(['tkt_1', 'tkt_q3']);
    expect(plans[1]?.intake).toEqual({ openDelta: 0, queuedDelta: -1, expect: { kind: 'exact', open: 10, queued: 2 }, dequeue: [3] });
  });

  it('reports a refused change of the ticket itself as a version conflict, and touches no gauge outside Review', async () => {
    const plans: DeskChanges[] = [];
    const store = fakeStore({
      ticketById: async () => ticket({ status: 'ready_to_ship', deviceModel: 'X1' }),
      applyChanges: async (changes) => {
        plans.push(changes);
        throw new StaleWriteError([0], false);
      },
    });
    const attempt = transitionTicket('tkt_1', { to: 'ready_to_bill', expectedVersion: 3, shipDate: '2026-03-02', serialNumbers: ['S1'] }, staff, { store, files, clock });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ code: 'version_conflict' });
    expect(plans[0]?.intake).toBeUndefined();
  });

  it('re-reads the staff lookup index briefly when it lags behind the version the caller saw', async () => {
    const reads = [ticket({ version: 2 }), ticket({ version: 3 })];
    const ticketById = vi.fn(async () => reads.shift());
    const store = fakeStore({ ticketById, applyChanges: async () => undefined });
    const view = await transitionTicket('tkt_1', { to: 'ready_to_ship', expectedVersion: 3, deviceModel: 'X1' }, staff, { store, files, clock });
    expect(view.version).toBe(4);
    expect(ticketById).toHaveBeenCalledTimes(2);
  });

  it('checks the request before the state: a field of another step is a 400 even on a stale version', async () => {
    const store = fakeStore({ ticketById: async () => ticket({ version: 9 }) });
    await expect(transitionTicket('tkt_1', { to: 'ready_to_ship', expectedVersion: 3, shipDate: '2026-03-01' }, staff, { store, files, clock })).rejects.toMatchObject({
      code: 'field_not_allowed',
    });
  });
});

describe('listTickets', () => {
  const cursors = clearCursors;
  const page = { items: [], lastKey: { pk: 'x', sk: 'y' } };

  it("reads the org's setting in the same query for members, and refuses the org list when tickets are not shared", async () => {
    const listOrgTickets = vi.fn<DeskStore['listOrgTickets']>(async () => ({ ...page, settings: { orgId: 'org_aaaaaaaa01', visibility: 'own' } }));
    const store = fakeStore({ listOrgTickets });
    await expect(listTickets({ scope: 'org', limit: 10 }, principal(), { store, clock, cursors })).rejects.toMatchObject({ code: 'tickets_own_only' });
    expect(listOrgTickets.mock.calls[0]?.[4]).toBe(true);
    await listTickets({ scope: 'org', limit: 10 }, principal('site_admin'), { store, clock, cursors });
    expect(listOrgTickets.mock.calls[1]?.[4]).toBe(false);
  });

  it("expires a member's org-list cursor after 15 minutes (it stands in for the org's setting), but not an own-list cursor", async () => {
    const store = fakeStore({
      listOrgTickets: async () => ({ ...page, settings: { orgId: 'org_aaaaaaaa01', visibility: 'org' } }),
      listRequesterTickets: async () => page,
    });
    const first = await listTickets({ scope: 'org', limit: 10 }, principal(), { store, clock, cursors });
    const mine = await listTickets({ scope: 'mine', limit: 10 }, principal(), { store, clock, cursors });
    const later = { now: () => new Date(NOW.getTime() + MEMBER_ORG_CURSOR_MS + 1) };
    await expect(listTickets({ scope: 'org', limit: 10, cursor: first.nextCursor }, principal(), { store, clock: later, cursors })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(listTickets({ scope: 'mine', limit: 10, cursor: mine.nextCursor }, principal(), { store, clock: later, cursors })).resolves.toMatchObject({ items: [] });
  });

  it('counts the 15 minutes from the first page: a later page does not start the window again', async () => {
    const store = fakeStore({ listOrgTickets: async () => ({ ...page, settings: { orgId: 'org_aaaaaaaa01', visibility: 'org' } }) });
    const at = (ms: number) => ({ now: () => new Date(NOW.getTime() + ms) });
    const first = await listTickets({ scope: 'org', limit: 10 }, principal(), { store, clock, cursors });
    const second = await listTickets({ scope: 'org', limit: 10, cursor: first.nextCursor }, principal(), { store, clock: at(10 * 60_000), cursors });
    expect(second.nextCursor).toEqual(expect.any(String));
    // 20 minutes after the first page (10 after the second): the setting was read 20 minutes ago, refused.
    await expect(listTickets({ scope: 'org', limit: 10, cursor: second.nextCursor }, principal(), { store, clock: at(20 * 60_000), cursors })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
    await expect(listTickets({ scope: 'org', limit: 10, cursor: second.nextCursor }, principal(), { store, clock: at(MEMBER_ORG_CURSOR_MS), cursors })).resolves.toMatchObject({
      items: [],
    });
  });
});

describe('updateDeskIntake', () => {
  it('re-reads the gauge and retries when it moved, then gives up with a 409 after five refusals', async () => {
    let attempts = 0;
    const store = fakeStore({
      readIntake: async () => ({ intake: gauge({ open: 4, queued: 1 }), queue: [queued(8)] }),
      applyChanges: async () => {
        attempts++;
        if (attempts < 3) throw new StaleWriteError([1], true);
      },
    });
    await expect(updateDeskIntake({ capacity: 5 }, { store, clock })).resolves.toEqual({ capacity: 5, open: 5, queued: 0, lastReference: 'GEM-41' });
    expect(attempts).toBe(3);
    const stuck = fakeStore({
      readIntake: async () => ({ intake: undefined, queue: [] }),
      applyChanges: async () => Promise.reject(new StaleWriteError([], true)),
    });
    await expect(updateDeskIntake({ capacity: 5 }, { store: stuck, clock })).rejects.toMatchObject({ code: 'desk_busy' });
  });
});
