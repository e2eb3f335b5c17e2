import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { putSettings } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { type BatchDeps, DEFAULT_PAGE_SIZE, runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import { defaultBillingSettings } from '#shared/domain/billing/model.ts';
import type { BillingBatchStore } from '#shared/domain/billing/ports.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { startLocalStack } from '#infra/local/environment.ts';

/**
 * One step of the batch-scale bench (scripts/bench/batch.ts), in a fresh process with a fresh in-memory
 * DynamoDB Local: `tickets` tickets in Ready to bill across `orgs` quarterly orgs (BatchWriteItem), then the
 * BI-2 invoice batch over them, timed, with the process's heap sampled every 20 ms and after a GC per page. With `crash`, the first
 * run dies half-way (an exception in the middle of a page, after part of its lines were written but before
 * its checkpoint) and a second run resumes; then every org must have exactly one invoice holding each of its
 * tickets exactly once.
 *
 * Same conditions for every size: before seeding, an untimed warm-up batch (WARMUP tickets of other orgs, an
 * earlier quarter) runs the same code paths in DynamoDB Local's JVM and in this process, so the timed run
 * measures the batch and not JIT compilation (which made the 1k step mostly warm-up); its tickets stay in
 * Ready to bill, already invoiced, so every timed run also reads past the same WARMUP tickets. Seeding is
 * not timed.
 */
const [tickets, orgCount, crash] = [Number(process.argv[2]), Number(process.argv[3] ?? 100), process.argv[4] === 'crash'];
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const PERIOD = '2025-Q1';
const PAGE = DEFAULT_PAGE_SIZE;
const WARMUP = { tickets: 1000, orgs: 20, period: '2024-Q4' };

const dataDir = await mkdtemp(join(tmpdir(), 'portal-bench-batch-'));
const stack = await startLocalStack({ dataDir, inMemory: true, outbox: false, workflows: false, projections: false });
try {
  const db = documentClient();
  const table = stack.tableName;
  const now = new Date().toISOString();
  const orgIds = Array.from({ length: orgCount }, (_, i) => `org_bench${String(i).padStart(8, '0')}`);
  const warmOrgIds = Array.from({ length: WARMUP.orgs }, (_, i) => `org_warmup${String(i).padStart(7, '0')}`);
  for (const orgId of [...orgIds, ...warmOrgIds]) {
    await directory.createOrg({ orgId, name: `Bench Org ${orgId.slice(-4)}`, kind: 'customer', country: 'FR', domains: [`${orgId.slice(4)}.example`], defaultRole: 'buyer', ssoEnabled: false, createdAt: now });
    await putSettings({ ...defaultBillingSettings(orgId), mode: 'quarterly' });
  }

  const put = async (items: Record<string, unknown>[]) => {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  };
  /** Bench ticket `i` (ready in 2025-Q1); with `warm`, warm-up ticket `i` (other orgs, ready in 2024-Q4). */
  const ticketItem = (i: number, warm = false) => {
    const orgId = (warm ? warmOrgIds[i % WARMUP.orgs] : orgIds[i % orgCount]) as string;
    const number = (warm ? 90_000_000 : 100_000_000) + i;
    const ticketId = `tkt_${warm ? 'warm' : 'bench'}${String(i).padStart(15, '0')}`;
    const createdAt = new Date((warm ? Date.UTC(2024, 9, 2) : Date.UTC(2025, 0, 2)) + i * 1000).toISOString();
    const readyAt = new Date((warm ? Date.UTC(2024, 10, 10) : Date.UTC(2025, 1, 10)) + i * 1000).toISOString();
    const requester = { userId: `u_${number}`, email: `requester-${number}@example.com`, name: 'Léa Martin', locale: 'fr' };
    return {
      ...keys.ticket(orgId, ticketId),
      ...keys.ticketById(ticketId),
      ...keys.ticketsByStatus('ready_to_bill', createdAt, ticketId),
      _et: 'Ticket',
      orgId,
      ticketId,
      number,
      reference: `GEM-${number}`,
      status: 'ready_to_bill',
      version: 3,
      requester,
      deliveryAddress: { recipient: 'Noah Petit', line1: '21 avenue Jean Jaurès', postalCode: '69007', city: 'Lyon', country: 'FR' },
      phone: '+33612345678',
      apprentice: false,
      deviceModel: 'Latitude 3550',
      shipDate: readyAt.slice(0, 10),
      serialNumbers: [`SN-${number}`],
      attachments: [],
      attachmentIds: [],
      history: [{ at: readyAt, from: 'ready_to_ship', to: 'ready_to_bill', by: { role: 'staff', userId: 'staff', name: 'Staff' } }],
      createdAt,
      updatedAt: readyAt,
    };
  };
  // 4 BatchWriteItem calls in flight: DynamoDB Local is the bottleneck either way.
  const seed = async (count: number, warm: boolean) => {
    const batches: number[][] = [];
    for (let i = 0; i < count; i += 25) batches.push(Array.from({ length: Math.min(25, count - i) }, (_, j) => i + j));
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) await put((batches[next++] as number[]).map((i) => ticketItem(i, warm)));
      }),
    );
  };

  const store = billingBatchStore({ sealer: await getSealer() });
  const deps = (s: BillingBatchStore = store): BatchDeps => ({ store: s, vat: viesRegistry(undefined), clock: systemClock, timeZone: 'Europe/Paris' });

  await seed(WARMUP.tickets, true);
  await runInvoiceBatch({ period: WARMUP.period, pageSize: PAGE }, deps());

  const seed0 = performance.now();
  await seed(tickets, false);
  const seedSeconds = (performance.now() - seed0) / 1000;

  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  // The live heap: a forced GC (--expose-gc) on progress, at most every 500 ms and at the end, so garbage not
  // yet collected does not count. Its pauses are the bench's, not the batch's: timed apart and not counted.
  let livePeak = heap0;
  let probeMs = 0;
  let lastProbe = 0;
  const probeHeap = () => {
    const t = performance.now();
    global.gc?.();
    livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
    lastProbe = performance.now();
    probeMs += lastProbe - t;
  };
  const onProgress = (p: { phase: string }) => {
    if (p.phase === 'done' || performance.now() - lastProbe >= 500) probeHeap();
  };
  const t0 = performance.now();
  let resumed: { resumedAtPage: number; linesBeforeCrash: number } | undefined;
  if (crash) {
    // Dies in the middle of the page after half of the tickets: the first half of that page's lines written,
    // the rest and that page's checkpoint not.
    let lines = 0;
    const dying: BillingBatchStore = {
      ...store,
      addLines: async (batch) => {
        const room = tickets / 2 + PAGE / 2 - lines;
        if (batch.length > room) {
          await store.addLines(batch.slice(0, Math.max(0, room)));
          lines += Math.max(0, room);
          throw new Error('killed');
        }
        lines += batch.length;
        return store.addLines(batch);
      },
    };
    await runInvoiceBatch({ period: PERIOD, pageSize: PAGE }, deps(dying), { onProgress }).then(
      () => {
        throw new Error('the crashing run did not crash');
      },
      (e: Error) => {
        if (e.message !== 'killed') throw e;
      },
    );
    const again = await runInvoiceBatch({ period: PERIOD, pageSize: PAGE }, deps(), { onProgress });
    resumed = { resumedAtPage: again.resumedAtPage, linesBeforeCrash: lines };
  } else {
    await runInvoiceBatch({ period: PERIOD, pageSize: PAGE }, deps(), { onProgress });
  }
  const seconds = (performance.now() - t0 - probeMs) / 1000;
  clearInterval(sampler);

  // Every org: one invoice; every ticket: one line, once.
  let invoices = 0;
  let lines = 0;
  let duplicates = 0;
  for (const orgId of orgIds) {
    // The list entries only: the report switch's mirror (`SETTINGS`, written with the settings above) shares the partition.
    const { Items = [] } = await db.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :i)', ExpressionAttributeValues: { ':p': keys.invoiceReportPartition(orgId), ':i': 'INVOICE#' } }),
    );
    invoices += Items.length;
    if (Items.length !== 1) duplicates += Math.max(0, Items.length - 1);
  }
  const perInvoice = new Map<string, number>();
  for (let i = 0; i < tickets; i++) {
    const t = ticketItem(i);
    const { Items = [] } = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': t.pk }, ProjectionExpression: 'invoiceId' }));
    const inv = Items[0]?.invoiceId as string | undefined;
    if (inv) perInvoice.set(inv, (perInvoice.get(inv) ?? 0) + 1);
    if (i >= 2000) break; // enough to find every org's invoice (tickets go round-robin over the orgs)
  }
  for (const inv of perInvoice.keys()) {
    const { Count = 0 } = await db.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :l)', ExpressionAttributeValues: { ':p': keys.invoicePartition(inv), ':l': 'LINE#' }, Select: 'COUNT' }),
    );
    lines += Count;
  }
  const expectedLines = [...perInvoice.keys()].length === orgCount ? tickets : undefined;
  process.send?.({
    tickets,
    orgs: orgCount,
    seedSeconds,
    seconds,
    heapProbeSeconds: probeMs / 1000,
    peakHeapMb: (peak - heap0) / 2 ** 20,
    peakLiveHeapMb: (livePeak - heap0) / 2 ** 20,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    invoices,
    duplicates,
    lines,
    expectedLines,
    resumed,
  });
} catch (e) {
  process.send?.({ error: (e as Error).stack ?? String(e) });
} finally {
  await stack.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
}
