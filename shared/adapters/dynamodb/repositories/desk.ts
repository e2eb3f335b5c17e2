import type { DeskPreferences, DeskSettings, Feedback, IntakeState, QueueEntry, Ticket, TicketComment, TicketSummary } from '#shared/domain/desk/model.ts';
import { type DeskChanges, type DeskStore, StaleWriteError, type TicketEmail } from '#shared/domain/desk/ports.ts';
import { MAX_ATTACHMENTS_PER_TICKET } from '#shared/domain/desk/rules.ts';
import { summaryOf } from '#shared/domain/desk/views.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import type { IdempotencyContext, StoredResponse } from '#shared/domain/shared/idempotency.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { ET, Expr, type Item, type TransactItem, batchGet, getItem, isA, putItem, query, reversePage, strip, transact, txCheck, txDelete, txPut, txUpdate, updateItem } from '../commands.ts';
import {
  DESK_ENTITY,
  type DeskEntryRecord,
  INTAKE_DESK,
  type IntakeRecord,
  commentItem,
  deskEntryItem,
  deskSettingsItem,
  feedbackItem,
  preferencesItem,
  queueEntryItem,
  ticketItem,
} from '../entities/desk.ts';
import { type CancellationReason, cancellationReasons, writeIdempotently } from '../idempotent-write.ts';
import { keys } from '../keys.ts';
import { outboxPut } from './outbox.ts';
import { withContentionRetry } from '../contention.ts';

/**
 * The partner service desk's items (docs/data-model.md, P9-P19). Every method is one DynamoDB call, except
 * retries under write contention on the intake item (TransactionConflict, with jittered backoff) and a
 * retry without the email when its recipient opted out of ticket emails.
 */

// ---------------------------------------------------------------------------------------------------------
// Mapping

function toTicket(it: Item): Ticket {
  const { attachmentIds: _, ...ticket } = strip<Ticket & { attachmentIds?: string[] }>(it);
  return ticket;
}

function toSummary(it: Item): TicketSummary {
  const e = it as unknown as DeskEntryRecord;
  return {
    ticketId: e.ticketId,
    orgId: e.orgId,
    orgName: e.orgName,
    reference: e.reference,
    status: e.status,
    requester: { userId: e.requesterId, name: e.requesterName },
    ...(e.internalReference !== undefined ? { internalReference: e.internalReference } : {}),
    apprentice: e.apprentice,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

const toIntake = (it: Item, defaultCapacity?: number): IntakeState => {
  const g = it as Partial<IntakeRecord>;
  return { capacity: g.capacity ?? defaultCapacity ?? 0, open: g.open ?? 0, queued: g.queued ?? 0, lastNumber: g.seq ?? 0 };
};

const defaultSettings = (orgId: string): DeskSettings => ({ orgId, visibility: 'own' });

/** The first item of a kind in a read (a BatchGetItem answers in no particular order). */
const findA = (items: Item[], type: string) => items.find((it) => isA(it, type));

/** A Query's page in the store's shape: items mapped, position after it. */
async function page<T>(input: Parameters<typeof query>[0], map: (it: Item) => T) {
  const { Items, LastEvaluatedKey } = await query(input);
  return { items: Items.map(map), lastKey: LastEvaluatedKey };
}

const startAt = (after: Record<string, unknown> | undefined) => (after ? { ExclusiveStartKey: after } : {});

/** A Query's key condition values, with the conditions of `x` (if any) as its filter. */
function asFilter(x: Expr, keyValues: Item) {
  const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = x.params();
  return {
    ...(ConditionExpression ? { FilterExpression: ConditionExpression, ExpressionAttributeNames } : {}),
    ExpressionAttributeValues: { ...keyValues, ...ExpressionAttributeValues },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Writes

/** Thrown inside a write to restart it without the emails of recipients who opted out. */
class OptedOut extends Error {
  constructor(readonly userIds: Set<string>) {
    super('recipients opted out of ticket emails');
  }
}

/** Put condition: the item does not exist yet. */
const isNew = () => new Expr().exists('pk', false);

/** Passes while the recipient has not opted out of ticket emails (no preferences item: emails on). */
function emailsOn(): Expr {
  const x = new Expr();
  const a = x.name('ticketEmails');
  return x.when(`attribute_not_exists(${a}) OR ${a} = ${x.value(true)}`);
}

/**
 * The outbox items of ticket emails, each recipient's first one preceded by a check of their opt-out;
 * `optedOut` reads the recipients whose check failed from the cancellation reasons of these writes.
 */
async function emailWrites(emails: TicketEmail[], skip: Set<string>, mail: MailOptions | undefined) {
  if (emails.length > 0 && !mail) throw new Error('this desk store was created without the mail sealer: pass it to deskStore() in handlers that email');
  const deps = { sealer: emails.length > 0 && mail ? await mail.sealer() : NO_SEALER, ids: systemIds, clock: systemClock };
  const writes: TransactItem[] = [];
  const checks = new Map<number, string>();
  const checked = new Set<string>();
  for (const email of emails) {
    if (skip.has(email.recipientUserId)) continue;
    if (!checked.has(email.recipientUserId)) {
      checked.add(email.recipientUserId);
      checks.set(writes.length, email.recipientUserId);
      writes.push(txCheck(keys.deskPreferences(email.recipientUserId), emailsOn()));
    }
    writes.push(outboxPut(email.request, deps));
  }
  /** The recipients whose check failed, given the cancellation reasons of the mail writes (in order). */
  const optedOut = (reasons: (CancellationReason | undefined)[]) => new Set([...checks].filter(([i]) => failed(reasons[i])).map(([, userId]) => userId));
  return { writes, optedOut };
}

const NO_SEALER: Sealer = {
  seal: () => {
    throw new Error('no sealer');
  },
  open: () => {
    throw new Error('no sealer');
  },
};

/** Runs `attempt(skip)` again without the emails of recipients whose opt-out check failed. */
async function skippingOptedOut<T>(attempt: (skip: Set<string>) => Promise<T>): Promise<T> {
  const skip = new Set<string>();
  for (;;) {
    try {
      return await attempt(skip);
    } catch (e) {
      if (!(e instanceof OptedOut) || e.userIds.size === 0) throw e;
      for (const id of e.userIds) skip.add(id);
    }
  }
}

const failed = (r: CancellationReason | undefined) => r?.Code === 'ConditionalCheckFailed';

/** The status change (lists replaced whole), history appended, version bumped; conditional on the expected state. */
function ticketUpdate(change: DeskChanges['tickets'][number]): TransactItem {
  const { status, updatedAt, deviceModel, shipDate, serialNumbers } = change.set;
  const x = new Expr()
    .set({ status, updatedAt, deviceModel, shipDate, serialNumbers, ...keys.ticketsByStatus(status, change.createdAt, change.ticketId) })
    .append('history', [change.history])
    .add('version', 1)
    .equals('status', change.expect.status);
  if (change.expect.version !== undefined) x.equals('version', change.expect.version);
  return txUpdate(keys.ticket(change.orgId, change.ticketId), x);
}

const entryUpdate = (change: DeskChanges['tickets'][number]): TransactItem =>
  txUpdate(keys.deskEntry(change.orgId, change.createdAt, change.ticketId), new Expr().set({ status: change.set.status, updatedAt: change.set.updatedAt }).exists('pk'));

/** `attr = value`, where a zero also matches a gauge attribute never written. */
function countIs(x: Expr, attr: 'open' | 'queued', value: number): string {
  const a = x.name(attr);
  return value !== 0 ? `${a} = ${x.value(value)}` : `attribute_not_exists(${a}) OR ${a} = ${x.value(0)}`;
}

function intakeWrites(intake: NonNullable<DeskChanges['intake']>): TransactItem[] {
  // The optimistic condition holds on a missing gauge too: the update may create it, as takeTicketNumber does.
  const x = new Expr().setIfMissing({ desk: INTAKE_DESK, [ET]: DESK_ENTITY.intake }).add('open', intake.openDelta).add('queued', intake.queuedDelta);
  if (intake.capacity !== undefined) x.set({ capacity: intake.capacity });
  if (intake.expect.kind === 'no_promotion_due') x.when(`${countIs(x, 'queued', 0)} OR ${x.name('open')} > ${x.name('capacity')}`);
  else x.when(countIs(x, 'open', intake.expect.open)).when(countIs(x, 'queued', intake.expect.queued));
  return [txUpdate(keys.deskIntake(), x), ...intake.dequeue.map((number) => txDelete(keys.deskQueueEntry(number), new Expr().exists('pk')))];
}

// ---------------------------------------------------------------------------------------------------------
// The store

export interface MailOptions {
  /** The outbox sealer (its key comes from Secrets Manager): only handlers that email load that client. */
  sealer: () => Promise<Sealer>;
}

/** The desk's store; handlers whose changes email someone pass the outbox sealer. */
export const deskStore = (mailOptions?: MailOptions): DeskStore => ({
  async takeTicketNumber(defaultCapacity) {
    // An upsert: the first number creates the gauge.
    const x = new Expr().add('seq', 1).setIfMissing({ open: 0, queued: 0, capacity: defaultCapacity, desk: INTAKE_DESK, [ET]: DESK_ENTITY.intake });
    const it = await withContentionRetry(() => updateItem(keys.deskIntake(), x, true));
    if (!it) throw new Error('the intake counter returned no attributes');
    return toIntake(it, defaultCapacity);
  },

  async readIntake(queueEntries) {
    const { Items } = await query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.deskIntakePartition },
      ConsistentRead: true,
      Limit: queueEntries + 1,
    });
    let intake: IntakeState | undefined;
    const queue: QueueEntry[] = [];
    for (const it of Items) {
      if (isA(it, DESK_ENTITY.queueEntry)) queue.push(strip<QueueEntry>(it));
      else if (isA(it, DESK_ENTITY.intake)) intake = toIntake(it);
    }
    return { intake, queue: queue.slice(0, queueEntries) };
  },

  async createTicket({ ticket, summary, queueEntry }, idempotency, response, now) {
    const gauge = new Expr();
    const [open, queued, capacity] = [gauge.name('open'), gauge.name('queued'), gauge.name('capacity')];
    if (queueEntry) gauge.add('queued', 1).when(`${open} >= ${capacity} OR ${queued} > ${gauge.value(0)}`);
    else gauge.add('open', 1).when(`${open} < ${capacity}`).when(`${queued} = ${gauge.value(0)}`);
    const writes: TransactItem[] = [
      txPut(ticketItem(ticket), isNew()),
      txPut(deskEntryItem(summary), isNew()),
      txUpdate(keys.deskIntake(), gauge),
      ...(queueEntry ? [txPut(queueEntryItem(queueEntry), isNew())] : []),
    ];
    return withContentionRetry(() =>
      writeIdempotently(idempotency, response, writes, now, (reasons) => {
        if (failed(reasons[0]) || failed(reasons[1])) throw new StaleWriteError([0], false);
        if (failed(reasons[2]) || failed(reasons[3])) throw new StaleWriteError([], true);
      }),
    );
  },

  async memberTicket(orgId, ticketId) {
    const items = await batchGet([keys.ticket(orgId, ticketId), keys.deskSettings(orgId)]);
    const ticket = findA(items, DESK_ENTITY.ticket);
    const settings = findA(items, DESK_ENTITY.settings);
    return { ticket: ticket ? toTicket(ticket) : undefined, settings: settings ? strip<DeskSettings>(settings) : defaultSettings(orgId) };
  },

  async ticketById(ticketId) {
    const { gsi1pk, gsi1sk } = keys.ticketById(ticketId);
    const { Items } = await query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':sk': gsi1sk },
    });
    const ticket = findA(Items, DESK_ENTITY.ticket);
    return ticket ? toTicket(ticket) : undefined;
  },

  async getTicket(orgId, ticketId) {
    const it = await getItem(keys.ticket(orgId, ticketId));
    return it ? toTicket(it) : undefined;
  },

  async applyChanges(changes) {
    const emails = changes.tickets.flatMap((c) => (c.email ? [c.email] : []));
    await skippingOptedOut(async (skip) => {
      const mail = await emailWrites(emails, skip, mailOptions);
      const ticketWrites = changes.tickets.flatMap((c) => [ticketUpdate(c), entryUpdate(c)]);
      const intake = changes.intake ? intakeWrites(changes.intake) : [];
      const writes = [...ticketWrites, ...intake, ...mail.writes];
      try {
        await withContentionRetry(() => transact(writes));
      } catch (e) {
        const reasons = cancellationReasons(e);
        if (!reasons) throw e;
        const staleTickets = changes.tickets.map((_, i) => i).filter((i) => failed(reasons[2 * i]) || failed(reasons[2 * i + 1]));
        const staleIntake = intake.some((_, j) => failed(reasons[ticketWrites.length + j]));
        if (staleTickets.length || staleIntake) throw new StaleWriteError(staleTickets, staleIntake);
        const optedOut = mail.optedOut(reasons.slice(ticketWrites.length + intake.length));
        throw optedOut.size ? new OptedOut(optedOut) : e;
      }
    });
  },

  async listRequesterTickets(orgId, requesterId, filter, limit, after) {
    const [lo, hi] = keys.deskEntryByRequesterRange(filter.from, filter.to);
    const f = new Expr();
    if (filter.status) f.equals('status', filter.status);
    return page(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
        ...asFilter(f, { ':pk': keys.deskEntriesByRequesterPartition(orgId, requesterId), ':lo': lo, ':hi': hi }),
        ScanIndexForward: false,
        Limit: limit,
        ...startAt(after),
      },
      toSummary,
    );
  },

  async listOrgTickets(orgId, filter, limit, after, withSettings) {
    const [lo, hi] = keys.deskEntryRange(filter.from, filter.to);
    const f = new Expr();
    const entry: string[] = [];
    if (filter.status) entry.push(`${f.name('status')} = ${f.value(filter.status)}`);
    if (filter.requesterId) entry.push(`${f.name('requesterId')} = ${f.value(filter.requesterId)}`);
    // With the settings item in range, the upper date bound cannot be a key condition, and the entries'
    // filters must let the settings item through.
    if (withSettings) entry.push(`${f.name('createdAt')} <= ${f.value(filter.to)}`);
    if (entry.length) f.when(withSettings ? `(${entry.join(' AND ')}) OR ${f.name(ET)} = ${f.value(DESK_ENTITY.settings)}` : entry.join(' AND '));
    const page = await reversePage(
      {
        pk: keys.deskPartition(orgId),
        lo,
        hi: withSettings ? keys.deskSettingsSk : hi,
        // The settings item (first in this order) takes one place of the first page.
        ...(withSettings ? { head: (it: Item) => isA(it, DESK_ENTITY.settings) } : {}),
        isRow: (it) => isA(it, DESK_ENTITY.entry),
        filter: f,
      },
      limit,
      after,
    );
    const items: TicketSummary[] = page.rows.map(toSummary);
    return { items, lastKey: page.lastKey, ...(withSettings && !after ? { settings: page.head ? strip<DeskSettings>(page.head) : defaultSettings(orgId) } : {}) };
  },

  async listTicketsByStatus(status, limit, after) {
    return page(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticketsByStatusPartition(status) },
        Limit: limit,
        ...startAt(after),
      },
      (it) => summaryOf(toTicket(it)),
    );
  },

  async addComment({ comment, requesterId, email }, idempotency, response, now) {
    const guard = new Expr().exists('pk');
    guard.when(`${guard.name('status')} <> ${guard.value('billed')}`);
    if (requesterId !== undefined) guard.equals('requester.userId', requesterId);
    for (const id of comment.attachmentIds) guard.when(`contains(${guard.name('attachmentIds')}, ${guard.value(id)})`);
    return skippingOptedOut(async (skip) => {
      const mail = await emailWrites(email ? [email] : [], skip, mailOptions);
      const writes: TransactItem[] = [txCheck(keys.ticket(comment.orgId, comment.ticketId), guard), txPut(commentItem(comment), isNew()), ...mail.writes];
      return withContentionRetry(() =>
        writeIdempotently(idempotency, response, writes, now, (reasons) => {
          if (failed(reasons[0]) || failed(reasons[1])) throw new StaleWriteError([0], false);
          const optedOut = mail.optedOut(reasons.slice(2));
          if (optedOut.size) throw new OptedOut(optedOut);
        }),
      );
    });
  },

  async listComments(orgId, ticketId, limit, after) {
    const { Items, LastEvaluatedKey } = await query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.ticketPartition(orgId, ticketId), ':prefix': keys.ticketItemsPrefix },
      ConsistentRead: true,
      Limit: after ? limit : limit + 1,
      ...startAt(after),
    });
    return splitComments(Items, LastEvaluatedKey);
  },

  async listCommentsByTicketId(ticketId, limit, after) {
    const { Items, LastEvaluatedKey } = await query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.ticketByIdPartition(ticketId), ':prefix': keys.ticketItemsPrefix },
      Limit: after ? limit : limit + 1,
      ...startAt(after),
    });
    return splitComments(Items, LastEvaluatedKey);
  },

  async addAttachment({ orgId, ticketId, attachment, requesterId }, idempotency, response, now) {
    const x = new Expr().append('attachments', [attachment]).append('attachmentIds', [attachment.attachmentId]).equals('requester.userId', requesterId);
    x.when(`${x.name('status')} <> ${x.value('billed')}`).when(`size(${x.name('attachments')}) < ${x.value(MAX_ATTACHMENTS_PER_TICKET)}`);
    const writes = [txUpdate(keys.ticket(orgId, ticketId), x)];
    return withContentionRetry(() =>
      writeIdempotently(idempotency, response, writes, now, (reasons) => {
        if (failed(reasons[0])) throw new StaleWriteError([0], false);
      }),
    );
  },

  async getSettings(orgId) {
    const it = await getItem(keys.deskSettings(orgId));
    return it ? strip<DeskSettings>(it) : defaultSettings(orgId);
  },

  async putSettings(settings) {
    await putItem(deskSettingsItem(settings));
  },

  async getPreferences(userId) {
    const it = await getItem(keys.deskPreferences(userId));
    return it ? strip<DeskPreferences>(it) : ({ userId, ticketEmails: true } satisfies DeskPreferences);
  },

  async putPreferences(prefs) {
    await putItem(preferencesItem(prefs));
  },

  async addFeedback(feedback: Feedback, idempotency: IdempotencyContext, response: StoredResponse, now: Date) {
    return withContentionRetry(() => writeIdempotently(idempotency, response, [txPut(feedbackItem(feedback), isNew())], now));
  },

  async listFeedback(limit, after) {
    return page(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.feedbackPartition },
        ConsistentRead: true,
        ScanIndexForward: false,
        Limit: limit,
        ...startAt(after),
      },
      (it) => strip<Feedback>(it),
    );
  },
});

/** A ticket partition's page: its comments, and the ticket itself when the page starts at it. */
function splitComments(items: Item[], lastKey: Record<string, unknown> | undefined) {
  let ticket: Ticket | undefined;
  const comments: TicketComment[] = [];
  for (const it of items) {
    if (isA(it, DESK_ENTITY.comment)) comments.push(strip<TicketComment>(it));
    else if (isA(it, DESK_ENTITY.ticket)) ticket = toTicket(it);
  }
  return { items: comments, lastKey, ...(ticket ? { ticket } : {}) };
}
