import type { FormattedItem } from 'dynamodb-toolbox/entity';
import type { Condition } from 'dynamodb-toolbox/entity/actions/parseCondition';
import { BatchGetRequest } from 'dynamodb-toolbox/entity/actions/batchGet';
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get';
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put';
import { ConditionCheck } from 'dynamodb-toolbox/entity/actions/transactCheck';
import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate';
import { type ExecuteTransactWriteInput, execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { $add, $append, $get, $set, UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update';
import { BatchGetCommand, execute as executeBatchGet } from 'dynamodb-toolbox/table/actions/batchGet';
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query';
import type { DeskPreferences, DeskSettings, Feedback, IntakeState, QueueEntry, Ticket, TicketComment, TicketSummary } from '#shared/domain/desk/model.ts';
import { type DeskChanges, type DeskStore, StaleWriteError, type TicketEmail } from '#shared/domain/desk/ports.ts';
import { MAX_ATTACHMENTS_PER_TICKET } from '#shared/domain/desk/rules.ts';
import { summaryOf } from '#shared/domain/desk/views.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import type { IdempotencyContext, StoredResponse } from '#shared/domain/shared/idempotency.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import {
  DeskEntryEntity,
  DeskFeedbackEntity,
  DeskIntakeEntity,
  DeskPreferencesEntity,
  DeskQueueEntryEntity,
  DeskSettingsEntity,
  TicketCommentEntity,
  TicketEntity,
} from '../entities/desk.ts';
import { type CancellationReason, type WriteTransaction, cancellationReasons, writeIdempotently } from '../idempotent-write.ts';
import { keys } from '../keys.ts';
import { table } from '../table.ts';
import { outboxPut } from './outbox.ts';
import { withContentionRetry } from '../contention.ts';

/**
 * The partner service desk's items (docs/data-model.md, P9-P19). Every method is one DynamoDB call, except
 * retries under write contention on the intake item (TransactionConflict, with jittered backoff) and a
 * retry without the email when its recipient opted out of ticket emails.
 */

// ---------------------------------------------------------------------------------------------------------
// Mapping

type TicketItem = FormattedItem<typeof TicketEntity>;
type EntryItem = FormattedItem<typeof DeskEntryEntity>;
type CommentItem = FormattedItem<typeof TicketCommentEntity>;
type IntakeItem = FormattedItem<typeof DeskIntakeEntity>;

function toTicket(it: TicketItem): Ticket {
  const { gsi1pk: _1, gsi1sk: _2, gsi2pk: _3, gsi2sk: _4, attachmentIds: _5, ...ticket } = it;
  return ticket;
}

function toSummary(it: EntryItem): TicketSummary {
  return {
    ticketId: it.ticketId,
    orgId: it.orgId,
    orgName: it.orgName,
    reference: it.reference,
    status: it.status,
    requester: { userId: it.requesterId, name: it.requesterName },
    ...(it.internalReference !== undefined ? { internalReference: it.internalReference } : {}),
    apprentice: it.apprentice,
    createdAt: it.createdAt,
    updatedAt: it.updatedAt,
  };
}

function toComment(it: CommentItem): TicketComment {
  const { gsi1pk: _1, gsi1sk: _2, ...comment } = it;
  return comment;
}

const toIntake = (it: IntakeItem, defaultCapacity?: number): IntakeState => ({
  capacity: it.capacity ?? defaultCapacity ?? 0,
  open: it.open ?? 0,
  queued: it.queued ?? 0,
  lastNumber: it.seq ?? 0,
});

const defaultSettings = (orgId: string): DeskSettings => ({ orgId, visibility: 'own' });

// ---------------------------------------------------------------------------------------------------------
// Writes

/** Thrown inside a write to restart it without the emails of recipients who opted out. */
class OptedOut extends Error {
  constructor(readonly userIds: Set<string>) {
    super('recipients opted out of ticket emails');
  }
}

/**
 * The outbox items of ticket emails, each recipient's first one preceded by a check of their opt-out;
 * `optedOut` reads the recipients whose check failed from the cancellation reasons of these writes.
 */
async function emailWrites(emails: TicketEmail[], skip: Set<string>, mail: MailOptions | undefined) {
  if (emails.length > 0 && !mail) throw new Error('this desk store was created without the mail sealer: pass it to deskStore() in handlers that email');
  const deps = { sealer: emails.length > 0 && mail ? await mail.sealer() : NO_SEALER, ids: systemIds, clock: systemClock };
  const writes: WriteTransaction[] = [];
  const checks = new Map<number, string>();
  const checked = new Set<string>();
  for (const email of emails) {
    if (skip.has(email.recipientUserId)) continue;
    if (!checked.has(email.recipientUserId)) {
      checked.add(email.recipientUserId);
      checks.set(writes.length, email.recipientUserId);
      writes.push(
        DeskPreferencesEntity.build(ConditionCheck)
          .key({ userId: email.recipientUserId })
          .condition({ or: [{ attr: 'ticketEmails', exists: false }, { attr: 'ticketEmails', eq: true }] }),
      );
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

const ticketUpdate = (change: DeskChanges['tickets'][number]) =>
  TicketEntity.build(UpdateTransaction)
    .item({
      orgId: change.orgId,
      ticketId: change.ticketId,
      ...change.set,
      // A plain array would update element by element; the list is replaced as a whole.
      ...(change.set.serialNumbers ? { serialNumbers: $set(change.set.serialNumbers) } : {}),
      version: $add(1),
      history: $append([change.history]),
      ...keys.ticketsByStatus(change.set.status, change.createdAt, change.ticketId),
    })
    .options({
      condition:
        change.expect.version === undefined
          ? { attr: 'status', eq: change.expect.status }
          : { and: [{ attr: 'status', eq: change.expect.status }, { attr: 'version', eq: change.expect.version }] },
    });

const entryUpdate = (change: DeskChanges['tickets'][number]) =>
  DeskEntryEntity.build(UpdateTransaction)
    .item({ orgId: change.orgId, createdAt: change.createdAt, ticketId: change.ticketId, status: change.set.status, updatedAt: change.set.updatedAt })
    .options({ condition: { attr: 'ticketId', exists: true } });

type IntakeCondition = Condition<typeof DeskIntakeEntity>;

/** `attr = value`, where a zero also matches a gauge attribute never written. */
function countIs(attr: 'open' | 'queued', value: number): IntakeCondition {
  if (value !== 0) return attr === 'open' ? { attr: 'open', eq: value } : { attr: 'queued', eq: value };
  return attr === 'open' ? { or: [{ attr: 'open', exists: false }, { attr: 'open', eq: 0 }] } : { or: [{ attr: 'queued', exists: false }, { attr: 'queued', eq: 0 }] };
}

function intakeWrites(intake: NonNullable<DeskChanges['intake']>): WriteTransaction[] {
  const condition: IntakeCondition =
    intake.expect.kind === 'no_promotion_due'
      ? { or: [{ attr: 'queued', exists: false }, { attr: 'queued', eq: 0 }, { attr: 'open', gt: { attr: 'capacity' } }] }
      : { and: [countIs('open', intake.expect.open), countIs('queued', intake.expect.queued)] };
  return [
    DeskIntakeEntity.build(UpdateTransaction)
      .item({
        open: $add(intake.openDelta),
        queued: $add(intake.queuedDelta),
        ...(intake.capacity !== undefined ? { capacity: intake.capacity } : {}),
      })
      .options({ condition }),
    ...intake.dequeue.map((number) => DeskQueueEntryEntity.build(DeleteTransaction).key({ number }).options({ condition: { attr: 'number', exists: true } })),
  ];
}

async function transact(writes: WriteTransaction[]) {
  table();
  await execute(...(writes as ExecuteTransactWriteInput));
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
    table();
    const { Attributes } = await withContentionRetry(() =>
      DeskIntakeEntity.build(UpdateItemCommand)
        .item({ seq: $add(1), open: $get('open', 0), queued: $get('queued', 0), capacity: $get('capacity', defaultCapacity) })
        .options({ returnValues: 'ALL_NEW' })
        .send(),
    );
    if (!Attributes) throw new Error('the intake counter returned no attributes');
    return toIntake(Attributes, defaultCapacity);
  },

  async readIntake(queueEntries) {
    const { Items = [] } = await table()
      .build(QueryCommand)
      .entities(DeskIntakeEntity, DeskQueueEntryEntity)
      .query({ partition: keys.deskIntakePartition })
      .options({ consistent: true, limit: queueEntries + 1 })
      .send();
    let intake: IntakeState | undefined;
    const queue: QueueEntry[] = [];
    for (const it of Items) {
      if ('number' in it) queue.push({ ...it });
      else intake = toIntake(it);
    }
    return { intake, queue: queue.slice(0, queueEntries) };
  },

  async createTicket({ ticket, summary, queueEntry }, idempotency, response, now) {
    const writes: WriteTransaction[] = [
      TicketEntity.build(PutTransaction)
        .item({
          ...ticket,
          attachmentIds: ticket.attachments.map((a) => a.attachmentId),
          ...keys.ticketById(ticket.ticketId),
          ...keys.ticketsByStatus(ticket.status, ticket.createdAt, ticket.ticketId),
        })
        .options({ condition: { attr: 'ticketId', exists: false } }),
      DeskEntryEntity.build(PutTransaction)
        .item({
          orgId: summary.orgId,
          createdAt: summary.createdAt,
          ticketId: summary.ticketId,
          orgName: summary.orgName,
          reference: summary.reference,
          status: summary.status,
          requesterId: summary.requester.userId,
          requesterName: summary.requester.name,
          internalReference: summary.internalReference,
          apprentice: summary.apprentice,
          updatedAt: summary.updatedAt,
          ...keys.deskEntryByRequester(summary.orgId, summary.requester.userId, summary.createdAt, summary.ticketId),
        })
        .options({ condition: { attr: 'ticketId', exists: false } }),
      queueEntry
        ? DeskIntakeEntity.build(UpdateTransaction)
            .item({ queued: $add(1) })
            .options({ condition: { or: [{ attr: 'open', gte: { attr: 'capacity' } }, { attr: 'queued', gt: 0 }] } })
        : DeskIntakeEntity.build(UpdateTransaction)
            .item({ open: $add(1) })
            .options({ condition: { and: [{ attr: 'open', lt: { attr: 'capacity' } }, { attr: 'queued', eq: 0 }] } }),
      ...(queueEntry ? [DeskQueueEntryEntity.build(PutTransaction).item(queueEntry).options({ condition: { attr: 'number', exists: false } })] : []),
    ];
    return withContentionRetry(() =>
      writeIdempotently(idempotency, response, writes, now, (reasons) => {
        if (failed(reasons[0]) || failed(reasons[1])) throw new StaleWriteError([0], false);
        if (failed(reasons[2]) || failed(reasons[3])) throw new StaleWriteError([], true);
      }),
    );
  },

  async memberTicket(orgId, ticketId) {
    const { Responses } = await executeBatchGet(
      table()
        .build(BatchGetCommand)
        .requests(TicketEntity.build(BatchGetRequest).key({ orgId, ticketId }), DeskSettingsEntity.build(BatchGetRequest).key({ orgId }))
        .options({ consistent: true }),
    );
    const [ticket, settings] = Responses?.[0] ?? [];
    return {
      ticket: ticket && 'ticketId' in ticket ? toTicket(ticket as TicketItem) : undefined,
      settings: settings && 'visibility' in settings ? (settings as DeskSettings) : defaultSettings(orgId),
    };
  },

  async ticketById(ticketId) {
    const { Items = [] } = await table()
      .build(QueryCommand)
      .entities(TicketEntity)
      .query({ index: 'gsi1', partition: keys.ticketByIdPartition(ticketId), range: { eq: keys.ticketById(ticketId).gsi1sk } })
      .send();
    return Items[0] ? toTicket(Items[0]) : undefined;
  },

  async getTicket(orgId, ticketId) {
    table();
    const { Item } = await TicketEntity.build(GetItemCommand).key({ orgId, ticketId }).options({ consistent: true }).send();
    return Item ? toTicket(Item) : undefined;
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
    const { Items = [], LastEvaluatedKey } = await table()
      .build(QueryCommand)
      .entities(DeskEntryEntity)
      .query({ index: 'gsi1', partition: keys.deskEntriesByRequesterPartition(orgId, requesterId), range: { between: keys.deskEntryByRequesterRange(filter.from, filter.to) } })
      .options({
        reverse: true,
        limit,
        ...(after ? { exclusiveStartKey: after } : {}),
        ...(filter.status ? { filters: { DeskEntry: { attr: 'status', eq: filter.status } } } : {}),
      })
      .send();
    return { items: Items.map(toSummary), lastKey: LastEvaluatedKey };
  },

  async listOrgTickets(orgId, filter, limit, after, withSettings) {
    const [lo, hi] = keys.deskEntryRange(filter.from, filter.to);
    const conditions = [
      ...(filter.status ? [{ attr: 'status' as const, eq: filter.status }] : []),
      ...(filter.requesterId ? [{ attr: 'requesterId' as const, eq: filter.requesterId }] : []),
      // With the settings item in range, the upper date bound cannot be a key condition.
      ...(withSettings ? [{ attr: 'createdAt' as const, lte: filter.to }] : []),
    ];
    const { Items = [], LastEvaluatedKey } = await table()
      .build(QueryCommand)
      .entities(DeskEntryEntity, DeskSettingsEntity)
      .query({ partition: keys.deskPartition(orgId), range: { between: [lo, withSettings ? keys.deskSettingsSk : hi] } })
      .options({
        consistent: true,
        reverse: true,
        // The settings item (first in this order) takes one place of the first page.
        limit: withSettings && !after ? limit + 1 : limit,
        ...(after ? { exclusiveStartKey: after } : {}),
        ...(conditions.length ? { filters: { DeskEntry: conditions.length === 1 ? (conditions[0] as (typeof conditions)[number]) : { and: conditions } } } : {}),
      })
      .send();
    let settings: DeskSettings | undefined;
    const items: TicketSummary[] = [];
    for (const it of Items) {
      if ('visibility' in it) settings = it;
      else items.push(toSummary(it));
    }
    return { items, lastKey: LastEvaluatedKey, ...(withSettings && !after ? { settings: settings ?? defaultSettings(orgId) } : {}) };
  },

  async listTicketsByStatus(status, limit, after) {
    const { Items = [], LastEvaluatedKey } = await table()
      .build(QueryCommand)
      .entities(TicketEntity)
      .query({ index: 'gsi2', partition: keys.ticketsByStatusPartition(status) })
      .options({ limit, ...(after ? { exclusiveStartKey: after } : {}) })
      .send();
    return { items: Items.map((it) => summaryOf(toTicket(it))), lastKey: LastEvaluatedKey };
  },

  async addComment({ comment, requesterId, email }, idempotency, response, now) {
    const guard = {
      and: [
        { attr: 'ticketId' as const, exists: true },
        { attr: 'status' as const, ne: 'billed' as const },
        ...(requesterId !== undefined ? [{ attr: 'requester.userId' as const, eq: requesterId }] : []),
        ...comment.attachmentIds.map((id) => ({ attr: 'attachmentIds' as const, contains: id })),
      ],
    };
    return skippingOptedOut(async (skip) => {
      const mail = await emailWrites(email ? [email] : [], skip, mailOptions);
      const writes: WriteTransaction[] = [
        TicketEntity.build(ConditionCheck).key({ orgId: comment.orgId, ticketId: comment.ticketId }).condition(guard),
        TicketCommentEntity.build(PutTransaction)
          .item({ ...comment, ...keys.ticketCommentById(comment.ticketId, comment.createdAt, comment.commentId) })
          .options({ condition: { attr: 'commentId', exists: false } }),
        ...mail.writes,
      ];
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
    const { Items = [], LastEvaluatedKey } = await table()
      .build(QueryCommand)
      .entities(TicketEntity, TicketCommentEntity)
      .query({ partition: keys.ticketPartition(orgId, ticketId), range: { beginsWith: keys.ticketItemsPrefix } })
      .options({ consistent: true, limit: after ? limit : limit + 1, ...(after ? { exclusiveStartKey: after } : {}) })
      .send();
    return splitComments(Items, LastEvaluatedKey);
  },

  async listCommentsByTicketId(ticketId, limit, after) {
    const { Items = [], LastEvaluatedKey } = await table()
      .build(QueryCommand)
      .entities(TicketEntity, TicketCommentEntity)
      .query({ index: 'gsi1', partition: keys.ticketByIdPartition(ticketId), range: { beginsWith: keys.ticketItemsPrefix } })
      .options({ limit: after ? limit : limit + 1, ...(after ? { exclusiveStartKey: after } : {}) })
      .send();
    return splitComments(Items, LastEvaluatedKey);
  },

  async addAttachment({ orgId, ticketId, attachment, requesterId }, idempotency, response, now) {
    const writes: WriteTransaction[] = [
      TicketEntity.build(UpdateTransaction)
        .item({ orgId, ticketId, attachments: $append([attachment]), attachmentIds: $append([attachment.attachmentId]) })
        .options({
          condition: {
            and: [
              { attr: 'requester.userId', eq: requesterId },
              { attr: 'status', ne: 'billed' },
              { size: 'attachments', lt: MAX_ATTACHMENTS_PER_TICKET },
            ],
          },
        }),
    ];
    return withContentionRetry(() =>
      writeIdempotently(idempotency, response, writes, now, (reasons) => {
        if (failed(reasons[0])) throw new StaleWriteError([0], false);
      }),
    );
  },

  async getSettings(orgId) {
    table();
    const { Item } = await DeskSettingsEntity.build(GetItemCommand).key({ orgId }).options({ consistent: true }).send();
    return Item ?? defaultSettings(orgId);
  },

  async putSettings(settings) {
    table();
    await DeskSettingsEntity.build(PutItemCommand).item(settings).send();
  },

  async getPreferences(userId) {
    table();
    const { Item } = await DeskPreferencesEntity.build(GetItemCommand).key({ userId }).options({ consistent: true }).send();
    return Item ?? ({ userId, ticketEmails: true } satisfies DeskPreferences);
  },

  async putPreferences(prefs) {
    table();
    await DeskPreferencesEntity.build(PutItemCommand).item(prefs).send();
  },

  async addFeedback(feedback: Feedback, idempotency: IdempotencyContext, response: StoredResponse, now: Date) {
    const writes = [DeskFeedbackEntity.build(PutTransaction).item(feedback).options({ condition: { attr: 'feedbackId', exists: false } })];
    return withContentionRetry(() => writeIdempotently(idempotency, response, writes, now));
  },

  async listFeedback(limit, after) {
    const { Items = [], LastEvaluatedKey } = await table()
      .build(QueryCommand)
      .entities(DeskFeedbackEntity)
      .query({ partition: keys.feedbackPartition })
      .options({ consistent: true, reverse: true, limit, ...(after ? { exclusiveStartKey: after } : {}) })
      .send();
    return { items: Items.map((it) => ({ ...it })), lastKey: LastEvaluatedKey };
  },
});

function splitComments(items: (TicketItem | CommentItem)[], lastKey: Record<string, unknown> | undefined) {
  let ticket: Ticket | undefined;
  const comments: TicketComment[] = [];
  for (const it of items) {
    if ('commentId' in it) comments.push(toComment(it));
    else ticket = toTicket(it);
  }
  return { items: comments, lastKey, ...(ticket ? { ticket } : {}) };
}
