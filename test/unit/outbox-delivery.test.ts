import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { aesSealer } from '#shared/adapters/crypto/aes-sealer.ts';
import { type Mailer, MailerError, type OutgoingEmail } from '#shared/domain/email/ports.ts';
import {
  MAX_PERMANENT_ATTEMPTS,
  type OutboxMessage,
  type OutboxStore,
  PoisonMessageError,
  deliverOutboxMessage,
} from '#shared/domain/email/outbox.ts';
import { handleOutboxStream } from '#functions/outbox/deliver.ts';
import { sweepOutbox } from '#functions/outbox/sweep.ts';

const sealer = aesSealer(randomBytes(32));
const clock = { now: () => new Date('2026-11-23T10:00:00Z') };

function memoryStore(messages: OutboxMessage[]): OutboxStore & { all: Map<string, OutboxMessage> } {
  const all = new Map(messages.map((m) => [m.messageId, { ...m }]));
  return {
    all,
    async get(id) {
      const m = all.get(id);
      return m ? { ...m } : undefined;
    },
    async markSent(id) {
      const m = all.get(id);
      if (m?.status === 'pending') m.status = 'sent';
    },
    async recordFailure(id, _reason, _at, giveUp) {
      const m = all.get(id);
      if (m?.status !== 'pending') return;
      m.attempts++;
      if (giveUp) m.status = 'failed';
    },
    async listPending(olderThan, limit) {
      return [...all.values()].filter((m) => m.status === 'pending' && m.createdAt < olderThan.toISOString()).slice(0, limit);
    },
  };
}

const msg = (id: string, over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  messageId: id,
  template: 'account_exists',
  locale: 'sv',
  to: `${id}@example.com`,
  data: { name: 'Sven' },
  status: 'pending',
  attempts: 0,
  createdAt: '2026-11-23T09:00:00.000Z',
  ...over,
});

function recordingMailer(fail?: (e: OutgoingEmail) => MailerError | undefined): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    async send(e) {
      const err = fail?.(e);
      if (err) throw err;
      sent.push(e);
      return { providerMessageId: `p-${sent.length}` };
    },
  };
}

const record = (id: string, seq: string, entity = 'Outbox', eventName: DynamoDBRecord['eventName'] = 'INSERT'): DynamoDBRecord => ({
  eventName,
  dynamodb: { SequenceNumber: seq, NewImage: { _et: { S: entity }, messageId: { S: id } } },
});

describe('outbox delivery', () => {
  it('renders a pending message in its locale and marks it sent', async () => {
    const store = memoryStore([msg('a')]);
    const mailer = recordingMailer();
    expect(await deliverOutboxMessage('a', { store, mailer, sealer, clock })).toBe('sent');
    expect(mailer.sent[0]?.html).toContain('lang="sv"');
    expect(store.all.get('a')?.status).toBe('sent');
  });

  it('sends a message only once: a replay of an already sent message is skipped', async () => {
    const store = memoryStore([msg('a')]);
    const mailer = recordingMailer();
    await deliverOutboxMessage('a', { store, mailer, sealer, clock });
    expect(await deliverOutboxMessage('a', { store, mailer, sealer, clock })).toBe('skipped');
    expect(mailer.sent).toHaveLength(1);
  });

  it('opens sealed secrets only to render them', async () => {
    const store = memoryStore([msg('c', { template: 'signup_code', data: { name: 'Kim', expiresInMinutes: 10 }, sealed: sealer.seal(JSON.stringify({ code: '012345' })) })]);
    const mailer = recordingMailer();
    await deliverOutboxMessage('c', { store, mailer, sealer, clock });
    expect(mailer.sent[0]?.text).toContain('012345');
  });

  it('treats an unrenderable message as poison and counts the attempt', async () => {
    const store = memoryStore([msg('p', { template: 'no_such_template' })]);
    await expect(deliverOutboxMessage('p', { store, mailer: recordingMailer(), sealer, clock })).rejects.toBeInstanceOf(PoisonMessageError);
    expect(store.all.get('p')).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it(`gives a poison message up after ${MAX_PERMANENT_ATTEMPTS} attempts`, async () => {
    const store = memoryStore([msg('p', { template: 'no_such_template', attempts: MAX_PERMANENT_ATTEMPTS - 1 })]);
    await expect(deliverOutboxMessage('p', { store, mailer: recordingMailer(), sealer, clock })).rejects.toBeInstanceOf(PoisonMessageError);
    expect(store.all.get('p')?.status).toBe('failed');
  });

  it('keeps a message pending through a provider outage', async () => {
    const store = memoryStore([msg('t')]);
    const mailer = recordingMailer(() => new MailerError('throttled', false));
    await expect(deliverOutboxMessage('t', { store, mailer, sealer, clock })).rejects.toBeInstanceOf(MailerError);
    expect(store.all.get('t')).toMatchObject({ status: 'pending', attempts: 1 });
  });
});

describe('outbox stream consumer', () => {
  it('ignores records that are not outbox inserts', async () => {
    const store = memoryStore([msg('a')]);
    const mailer = recordingMailer();
    const out = await handleOutboxStream({ Records: [record('a', '1', 'User'), record('a', '2', 'Outbox', 'MODIFY')] }, { store, mailer, sealer, clock });
    expect(out.batchItemFailures).toEqual([]);
    expect(mailer.sent).toHaveLength(0);
  });

  it('stops at the first failure and reports that record, so later messages are retried in order', async () => {
    const store = memoryStore([msg('a'), msg('b'), msg('c')]);
    const mailer = recordingMailer((e) => (e.to.startsWith('b@') ? new MailerError('down', false) : undefined));
    const out = await handleOutboxStream({ Records: [record('a', '1'), record('b', '2'), record('c', '3')] }, { store, mailer, sealer, clock });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(mailer.sent.map((e) => e.to)).toEqual(['a@example.com']);
    expect(store.all.get('c')?.status).toBe('pending');
  });
});

describe('outbox sweeper', () => {
  it('sends what is still pending after the grace period and leaves young messages to the stream', async () => {
    const store = memoryStore([msg('old'), msg('young', { createdAt: '2026-11-23T09:59:30.000Z' })]);
    const mailer = recordingMailer();
    const res = await sweepOutbox({ store, mailer, sealer, clock });
    expect(res).toMatchObject({ sent: 1 });
    expect(store.all.get('young')?.status).toBe('pending');
  });

  it('stops at the first transient failure: the provider is still down', async () => {
    const store = memoryStore([msg('a'), msg('b')]);
    const res = await sweepOutbox({ store, mailer: recordingMailer(() => new MailerError('down', false)), sealer, clock });
    expect(res).toMatchObject({ examined: 1, sent: 0, failed: 1 });
  });
});
