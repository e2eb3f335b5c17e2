import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { transact } from '#shared/adapters/dynamodb/commands.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { dynamoOutboxStore } from '#shared/adapters/dynamodb/repositories/outbox-store.ts';
import { outboxPut } from '#shared/adapters/dynamodb/repositories/outbox.ts';
import { sesMailer } from '#shared/adapters/ses/mailer.ts';
import { type DeliveryDeps } from '#shared/domain/email/outbox.ts';
import { type Mailer, MailerError } from '#shared/domain/email/ports.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { handleOutboxStream, outboxMessageId } from '#functions/outbox/deliver.ts';
import { sweepOutbox } from '#functions/outbox/sweep.ts';
import { ensureTable } from '#infra/local/bootstrap.ts';
import { LOCAL_REGION } from '#infra/local/environment.ts';
import { type StreamPoller, startStreamPoller } from '#infra/local/stream-poller.ts';
import { uniqueEmail } from '#test/support/identity.ts';
import { mailTo } from '#test/support/mailbox.ts';

/**
 * SECURITY.md "No data loss": SES failing 100 % for a while, then recovering: delivered == created, 0 lost, no
 * duplicate; a poison message goes to the failure destination and does not block the stream. The real chain:
 * outbox items written transactionally to a table of this file's own, its DynamoDB stream read by the local
 * event source mapping (stream-poller: retries, bisect, on-failure destination) into the outbox consumer,
 * the sweeper after the outage, and the SES stand-in; the fault is injected in the mailer adapter.
 */

const own = vi.hoisted(() => {
  const name = `portal-mail-${process.pid}-${Date.now().toString(36)}`;
  const previous = process.env.TABLE_NAME;
  process.env.TABLE_NAME = name;
  return { name, previous };
});

const fault = { down: false, poison: new Set<string>(), attempts: 0 };
const real = sesMailer();
/** The SES adapter behind a fault switch: an outage (transient) or a rejected recipient (permanent). */
const mailer: Mailer = {
  async send(email) {
    fault.attempts++;
    if (fault.poison.has(email.to)) throw new MailerError('MessageRejected: address blacklisted (injected)', true);
    if (fault.down) throw new MailerError('ServiceUnavailable (injected outage)', false);
    return real.send(email);
  },
};

let deps: DeliveryDeps;
let poller: StreamPoller;
const failureDestination: { record: DynamoDBRecord; error: string }[] = [];

beforeAll(async () => {
  const { streamArn } = await ensureTable({ endpoint: inject('stack').endpoints.dynamodb, region: LOCAL_REGION, tableName: own.name });
  deps = { store: dynamoOutboxStore, mailer, sealer: await getSealer(), clock: systemClock };
  poller = startStreamPoller({
    endpoint: inject('stack').endpoints.dynamodb,
    region: LOCAL_REGION,
    streamArn,
    handler: (event) => handleOutboxStream(event, deps),
    retryAttempts: 1,
    startAt: 'TRIM_HORIZON',
    onFailure: (record, error) => void failureDestination.push({ record, error: String(error) }),
  });
}, 60_000);

afterAll(async () => {
  await poller?.stop();
  if (own.previous === undefined) delete process.env.TABLE_NAME;
  else process.env.TABLE_NAME = own.previous;
});

async function enqueue(to: string): Promise<string> {
  const put = outboxPut({ template: 'account_exists', locale: 'en', to, data: { name: 'Outage' } }, { sealer: deps.sealer, ids: systemIds, clock: systemClock });
  await transact([put]);
  return to;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('emails through an SES outage', () => {
  it('loses nothing: everything created during the outage is delivered once after it, and a poison message does not block the stream', async () => {
    // 1. SES down: the stream consumer fails, the records go to the failure destination, the messages stay pending.
    fault.down = true;
    const duringOutage: string[] = [];
    for (let i = 0; i < 4; i++) duringOutage.push(await enqueue(uniqueEmail('outage-test.example')));
    await poller.idle(40_000);
    expect(failureDestination.length).toBe(duringOutage.length);
    for (const to of duringOutage) expect(await mailTo(to)).toHaveLength(0);

    // 2. SES back; a poison message (the provider rejects it for good), then more messages behind it.
    fault.down = false;
    const poison = uniqueEmail('poison-test.example');
    fault.poison.add(poison);
    await enqueue(poison);
    const afterOutage: string[] = [];
    for (let i = 0; i < 3; i++) afterOutage.push(await enqueue(uniqueEmail('after-test.example')));
    await poller.idle(40_000);
    // The poison went to the failure destination; the stream moved on and delivered what came after it.
    const poisonIds = failureDestination.map((f) => outboxMessageId(f.record)).filter(Boolean);
    expect(poisonIds.length).toBe(duringOutage.length + 1);
    await eventually(async () => (await Promise.all(afterOutage.map(mailTo))).every((m) => m.length === 1));

    // 3. The sweeper re-sends what the outage left pending.
    const swept = await sweepOutbox(deps, { graceMs: 0 });
    expect(swept.sent).toBe(duringOutage.length);
    const delivered = await Promise.all([...duringOutage, ...afterOutage].map(mailTo));
    // delivered == created, each exactly once; the poison never sent.
    expect(delivered.map((m) => m.length)).toEqual([...duringOutage, ...afterOutage].map(() => 1));
    expect(await mailTo(poison)).toHaveLength(0);
    // Nothing but the poison is left pending (it is retried a few times, then marked failed).
    const pending = await deps.store.listPending(new Date(Date.now() + 1000), 100);
    expect(pending.map((m) => m.to)).toEqual([poison]);
  }, 120_000);
});
