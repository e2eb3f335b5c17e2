/**
 * `npm run invoice-batch -- --period 2026-Q3` (quarterly orgs) or `-- --date 2026-07-02` (per-order orgs):
 * runs the BI-2 invoice batch against the local stack (`npm start`) with a progress bar. `--org <id>`
 * (repeatable) restricts it to some orgs; `--page-size <n>` sets the tickets per page. Run it twice, or
 * stop it with Ctrl-C and run it again: it resumes, and no org gets a second invoice for the period.
 */
import { parseArgs } from 'node:util';
import { useLocalStack } from './local-env.ts';

const { values } = parseArgs({
  options: {
    period: { type: 'string' },
    date: { type: 'string' },
    org: { type: 'string', multiple: true },
    'page-size': { type: 'string' },
    'time-zone': { type: 'string' },
  },
});
if ((values.period === undefined) === (values.date === undefined)) {
  console.error('usage: npm run invoice-batch -- (--period YYYY-Qn | --date YYYY-MM-DD) [--org <orgId>]... [--page-size <n>] [--time-zone <IANA zone>]');
  process.exit(2);
}
await useLocalStack();
const { runInvoiceBatch } = await import('#shared/domain/billing/batch.ts');
const { billingBatchStore } = await import('#shared/adapters/dynamodb/repositories/billing-batch.ts');
const { viesRegistry } = await import('#shared/adapters/billing/vies.ts');
const { getSealer } = await import('#shared/adapters/crypto/seal-key.ts');
const { systemClock } = await import('#shared/lib/ids.ts');

const tty = process.stderr.isTTY;
const started = performance.now();
function bar(p: { phase: string; pages: number; ticketsSeen: number; linesAdded: number; invoicesIssued: number }) {
  const spin = '▏▎▍▌▋▊▉█'[p.pages % 8];
  const line = `${spin} ${p.phase.padEnd(5)} pages ${p.pages}  tickets ${p.ticketsSeen}  lines ${p.linesAdded}  invoices ${p.invoicesIssued}  ${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (tty) process.stderr.write(`\r${line}\x1b[K`);
  else if (p.phase !== 'lines' || p.pages % 10 === 0) process.stderr.write(`${line}\n`);
}

try {
  const result = await runInvoiceBatch(
    { period: values.period, date: values.date, orgIds: values.org, pageSize: values['page-size'] ? Number(values['page-size']) : undefined },
    { store: billingBatchStore({ sealer: await getSealer() }), vat: viesRegistry(), clock: systemClock, timeZone: values['time-zone'] ?? process.env.BILLING_TIME_ZONE ?? 'Europe/Paris' },
    { onProgress: bar },
  );
  if (tty) process.stderr.write('\n');
  console.log(
    `${result.runKey}: ${result.invoicesIssued} invoice(s) issued, ${result.linesAdded} line(s) added, ${result.ticketsSeen} ticket(s) read in ${result.pages} page(s)` +
      `${result.resumedAtPage ? ` (resumed at page ${result.resumedAtPage})` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (e) {
  if (tty) process.stderr.write('\n');
  console.error(`invoice batch failed: ${(e as Error).message}`);
  process.exit(1);
}
