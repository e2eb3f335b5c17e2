import type { Clock } from '#shared/lib/ids.ts';
import { type Mailer, MailerError, type OutgoingEmail, type Sealer } from './ports.ts';
import { renderEmailUnchecked } from './templates/index.ts';

export interface OutboxMessage {
  messageId: string;
  template: string;
  locale: string;
  to: string;
  data: Record<string, unknown>;
  sealed?: string | undefined;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  createdAt: string;
}

/** Port over the stored outbox messages. */
export interface OutboxStore {
  get(messageId: string): Promise<OutboxMessage | undefined>;
  markSent(messageId: string, providerMessageId: string, at: Date): Promise<void>;
  /** Counts a failed attempt; `giveUp` moves the message to `failed` (out of the pending index). */
  recordFailure(messageId: string, reason: string, at: Date, giveUp: boolean): Promise<void>;
  /** Pending messages created before `olderThan`, oldest first (the sweeper's work list). */
  listPending(olderThan: Date, limit: number): Promise<OutboxMessage[]>;
}

/** The message can never be sent as it is (unknown template, bad data, rejected by the provider). */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/**
 * A permanent failure is retried this many times before the message is marked failed. It is higher than
 * the stream's retry budget on purpose: the stream gives up first and hands the record to its on-failure
 * destination (the alarm), then the sweeper's later attempts finish it off.
 */
export const MAX_PERMANENT_ATTEMPTS = 10;
/** Transient failures (provider outage) are retried for much longer: nothing is dropped for an outage. */
export const MAX_TRANSIENT_ATTEMPTS = 500;

export interface DeliveryDeps {
  store: OutboxStore;
  mailer: Mailer;
  sealer: Sealer;
  clock: Clock;
}

export type DeliveryOutcome = 'sent' | 'skipped';

/**
 * Sends one outbox message at most once per success: it re-reads the message (consistently) and only a
 * `pending` one is sent, so a stream retry, a sweeper run and a replay after a crash cannot send it twice
 * unless the crash falls between the provider's acceptance and `markSent`.
 * Throws `PoisonMessageError` for permanent failures and `MailerError` for transient ones.
 */
export async function deliverOutboxMessage(messageId: string, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const msg = await deps.store.get(messageId);
  if (!msg || msg.status !== 'pending') return 'skipped';

  let email: OutgoingEmail;
  try {
    const secret = msg.sealed ? (JSON.parse(deps.sealer.open(msg.sealed)) as Record<string, unknown>) : {};
    const rendered = renderEmailUnchecked(msg.template, msg.locale, { ...msg.data, ...secret });
    email = { ...rendered, to: msg.to, messageId: msg.messageId };
  } catch (e) {
    await fail(msg, `render: ${(e as Error).message}`, true, deps);
    throw new PoisonMessageError(`outbox message ${messageId} cannot be rendered`);
  }

  try {
    const { providerMessageId } = await deps.mailer.send(email);
    await deps.store.markSent(messageId, providerMessageId, deps.clock.now());
    return 'sent';
  } catch (e) {
    const permanent = e instanceof MailerError && e.permanent;
    await fail(msg, (e as Error).message, permanent, deps);
    if (permanent) throw new PoisonMessageError(`outbox message ${messageId} was rejected by the provider`);
    throw e instanceof MailerError ? e : new MailerError((e as Error).message, false);
  }
}

async function fail(msg: OutboxMessage, reason: string, permanent: boolean, deps: DeliveryDeps) {
  const attempts = msg.attempts + 1;
  const giveUp = permanent ? attempts >= MAX_PERMANENT_ATTEMPTS : attempts >= MAX_TRANSIENT_ATTEMPTS;
  await deps.store.recordFailure(msg.messageId, reason.slice(0, 500), deps.clock.now(), giveUp);
}
