import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BatchStep {
  tickets: number;
  orgs: number;
  seedSeconds: number;
  /** The batch alone: seeding and the heap probe's forced GCs are not counted. */
  seconds: number;
  /** Wall time of the forced GCs that measure the live heap (excluded from `seconds`). */
  heapProbeSeconds?: number;
  peakHeapMb: number;
  /** After a forced GC per page: what the batch keeps alive (flat when it streams). */
  peakLiveHeapMb: number;
  rssMb: number;
  invoices: number;
  duplicates: number;
  lines: number;
  expectedLines?: number;
  resumed?: { resumedAtPage: number; linesBeforeCrash: number };
}

export interface BatchScaleResult {
  available: boolean;
  reason?: string;
  steps: BatchStep[];
  growth: { from: number; to: number; ratio: number }[];
  resume?: { ok: boolean; invoices: number; detail: string };
  skipped?: string;
}

/**
 * The 100k step runs when 10k's wall time (batch, seeding, heap probe) x 11 fits: 10 min. The longest bench
 * section by far but a useful one: on an idle 2-core machine 10k takes ~33 s all in (projected ~6 min) and
 * 100k ~6 min (300 s batch, 51 s seeding); a machine busy enough to double that skips it.
 */
const BUDGET_100K_SECONDS = 600;

function step(tickets: number, orgs: number, crash: boolean): Promise<BatchStep> {
  const child = fork(fileURLToPath(new URL('./batch-child.ts', import.meta.url)), [String(tickets), String(orgs), crash ? 'crash' : ''], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => ((m as { error?: string }).error ? reject(new Error((m as { error: string }).error)) : resolve(m as BatchStep)));
    child.once('exit', (code) => reject(new Error(`batch step of ${tickets} exited with ${code}`)));
  });
}

/**
 * The BI-2 invoice batch over 1k, 10k and 100k Ready-to-bill tickets across 100 orgs, each size under the
 * same conditions: a fresh process and a fresh in-memory DynamoDB Local, warmed by the same small untimed
 * batch, seeding not timed (batch-child.ts). Reported: time per 10x (<= 11x), the batch's peak heap growth
 * (flat: it streams pages), and at 1k a run that dies half-way then resumes (one invoice per org, every
 * ticket once). 100k is skipped with --quick, and when 10k took long enough (batch and seeding, x11) that
 * 100k would not fit the time budget.
 */
export async function batchScale(opts: { quick: boolean; say: (s: string) => void; budgetSeconds?: number }): Promise<BatchScaleResult> {
  if (!existsSync(fileURLToPath(new URL('../../shared/domain/billing/batch.ts', import.meta.url)))) {
    return { available: false, reason: 'shared/domain/billing/batch.ts (runInvoiceBatch) does not exist yet', steps: [], growth: [] };
  }
  const orgs = 100;
  const steps: BatchStep[] = [];
  let skipped: string | undefined;
  for (const tickets of [1_000, 10_000, 100_000]) {
    if (tickets === 100_000) {
      const prev = steps.at(-1);
      const projected = prev ? (prev.seconds + prev.seedSeconds + (prev.heapProbeSeconds ?? 0)) * 11 : Number.POSITIVE_INFINITY;
      if (opts.quick) {
        skipped = '100k skipped (--quick)';
        break;
      }
      if (projected > (opts.budgetSeconds ?? BUDGET_100K_SECONDS)) {
        skipped = `100k skipped: projected ${(projected / 60).toFixed(0)} min on this machine (10k took ${((prev?.seconds ?? 0) + (prev?.seedSeconds ?? 0) + (prev?.heapProbeSeconds ?? 0)).toFixed(0)} s with seeding), over the ${((opts.budgetSeconds ?? BUDGET_100K_SECONDS) / 60).toFixed(0)} min budget (--full runs it anyway)`;
        break;
      }
    }
    opts.say(`  batch: ${tickets} tickets across ${orgs} orgs…`);
    steps.push(await step(tickets, orgs, false));
  }
  opts.say(`  batch: 1000 tickets, killed half-way, then resumed…`);
  const crashed = await step(1_000, orgs, true);
  const growth = steps.slice(1).map((s, i) => ({ from: steps[i]?.tickets ?? 0, to: s.tickets, ratio: s.seconds / (steps[i]?.seconds ?? 1) }));
  const first = crashed;
  const resume = first
    ? {
        ok: first.invoices === orgs && first.duplicates === 0 && first.lines === first.tickets && (first.resumed?.resumedAtPage ?? 0) > 0,
        invoices: first.invoices,
        detail: `${first.invoices} invoices for ${orgs} orgs, ${first.lines} lines for ${first.tickets} tickets, resumed at page ${first.resumed?.resumedAtPage}`,
      }
    : undefined;
  return { available: true, steps, growth, ...(resume ? { resume } : {}), ...(skipped ? { skipped } : {}) };
}
