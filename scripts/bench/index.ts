/**
 * `npm run bench [-- --quick] [-- --only <section>[,<section>...]]`: the performance targets of
 * /work/shared/guide/PERFORMANCE.md (issue #8), measured as ratios against baselines run side by side in the
 * same run. Prints a table, writes bench/results/<timestamp>.json and bench/results/latest.json (machine,
 * Node version, commit), and ends with one line: the worst ratio against its target.
 *
 * Sections: bundles, cold, warm, roundtrips, e2e, startup, batch. `--full`: the 100k-ticket batch whatever it
 * takes. `--quick`: cold import of the 8 largest
 * bundles only, fewer warm rounds, one e2e round, no 100k batch.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BatchScaleResult, batchScale } from './batch.ts';
import { type Bundle, synthesizeBaseline, synthesizeHandlers } from './bundles.ts';
import { type ColdImportResult, coldImport } from './cold-import.ts';
import { type E2eResult, endToEnd } from './e2e.ts';
import { type Row, commit, machine, printTable, round } from './lib.ts';
import { type StartupResult, startup } from './startup.ts';
import { type WarmResult, warmOverhead } from './warm.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SECTIONS = ['bundles', 'cold', 'warm', 'roundtrips', 'e2e', 'startup', 'batch'] as const;
type Section = (typeof SECTIONS)[number];

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, full: { type: 'boolean', default: false }, only: { type: 'string' } } });
const only = flags.only ? (flags.only.split(',').map((s) => s.trim()) as Section[]) : [...SECTIONS];
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length) {
  console.error(`unknown section(s) ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const want = (s: Section) => only.includes(s);
const quick = flags.quick ?? false;

const KB = 1024;
const LIMITS = { bytes: 450 * KB, gzip: 140 * KB, coldRatio: 1.2, validUs: 5, invalidUs: 10, calls: 2, startSeconds: 15, per10x: 11 };
const kb = (n: number) => `${(n / KB).toFixed(1)} KB`;
const say = (s: string) => process.stderr.write(`[bench] ${s}\n`);

const started = new Date();
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const failures: Record<string, string> = {};

async function section<T>(name: Section, fn: () => Promise<T>): Promise<T | undefined> {
  if (!want(name)) return undefined;
  const t0 = performance.now();
  say(`${name}…`);
  try {
    const r = await fn();
    say(`${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return r;
  } catch (e) {
    failures[name] = (e as Error).message.slice(0, 2000);
    rows.push({ section: name, metric: 'FAILED', value: (e as Error).message.split('\n')[0]?.slice(0, 100) ?? 'error' });
    say(`${name} failed: ${(e as Error).stack ?? e}`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------- bundles
const workDir = mkdtempSync(join(tmpdir(), 'portal-bench-'));
let handlers: Bundle[] = [];
let baseline: Bundle | undefined;
if (want('bundles') || want('cold')) {
  await section(want('bundles') ? 'bundles' : 'cold', async () => {
    say('synthesizing the app (esbuild bundles of every function, as cdk synth does; 2-4 min)…');
    handlers = synthesizeHandlers(join(workDir, 'app')).sort((a, b) => b.bytes - a.bytes);
    baseline = synthesizeBaseline(join(workDir, 'baseline'));
    const largest = handlers[0];
    const largestGzip = [...handlers].sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
    if (want('bundles') && largest && largestGzip) {
      results.bundles = {
        count: handlers.length,
        baseline: { bytes: baseline.bytes, gzipBytes: baseline.gzipBytes },
        handlers: handlers.map((h) => ({ name: h.name, bytes: h.bytes, gzipBytes: h.gzipBytes, top: h.topPackages.slice(0, 3).map((p) => `${p.pkg} ${kb(p.bytes)}`) })),
      };
      rows.push(
        { section: 'bundles', metric: `largest minified (${largest.name})`, value: kb(largest.bytes), target: '<= 450 KB', ratio: largest.bytes / LIMITS.bytes },
        { section: 'bundles', metric: `largest gzip (${largestGzip.name})`, value: kb(largestGzip.gzipBytes), target: '<= 140 KB', ratio: largestGzip.gzipBytes / LIMITS.gzip },
        { section: 'bundles', metric: `handlers over budget (of ${handlers.length})`, value: String(handlers.filter((h) => h.bytes > LIMITS.bytes || h.gzipBytes > LIMITS.gzip).length) },
        { section: 'bundles', metric: 'baseline (DynamoDB client only)', value: `${kb(baseline.bytes)} / ${kb(baseline.gzipBytes)} gzip` },
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------- cold import
let cold: ColdImportResult | undefined;
if (want('cold') && baseline && handlers.length) {
  const b = baseline;
  cold = await section('cold', async () => {
    const measured = quick ? handlers.slice(0, 8) : handlers;
    const runs = quick ? 15 : 21;
    say(`cold import: ${measured.length} bundles + a baseline every 8, ${runs} round-robin rounds of fresh processes…`);
    return coldImport(measured, b, runs, (i) => i % 5 === 0 && say(`  round ${i}/${runs}`));
  });
  if (cold) {
    results.cold = { runs: cold.runs, baselineMs: round(cold.baselineMs), baselinePerRound: cold.baselinePerRound, ratio: 'median over rounds of import / median baseline of the round', handlers: cold.handlers.map((h) => ({ name: h.name, medianMs: round(h.medianMs), ratio: round(h.ratio, 3) })) };
    const worst = cold.handlers[0];
    const ratios = cold.handlers.map((h) => h.ratio).sort((x, y) => x - y);
    const mid = ratios[Math.floor(ratios.length / 2)] ?? Number.NaN;
    if (worst) {
      rows.push(
        { section: 'cold', metric: `baseline import (median of ${cold.runs} x ${cold.baselinePerRound})`, value: `${cold.baselineMs.toFixed(1)} ms` },
        { section: 'cold', metric: `worst handler (${worst.name})`, value: `${worst.ratio.toFixed(2)}x (${worst.medianMs.toFixed(1)} ms)`, target: '<= 1.2x', ratio: worst.ratio / LIMITS.coldRatio },
        { section: 'cold', metric: `median handler (of ${cold.handlers.length})`, value: `${mid.toFixed(2)}x` },
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------- warm
const warm = await section('warm', async () => {
  const [rounds, perRound] = quick ? [9, 1000] : [25, 2000];
  return { silent: await warmOverhead(rounds, perRound, 'SILENT'), info: await warmOverhead(rounds, perRound, 'INFO') };
});
if (warm) {
  const r = (w: WarmResult) => ({ ...w, bareUs: round(w.bareUs, 3), validUs: round(w.validUs, 3), invalidUs: round(w.invalidUs, 3), validOverheadUs: round(w.validOverheadUs, 3), invalidOverheadUs: round(w.invalidOverheadUs, 3) });
  results.warm = { route: 'updateProfile', silent: r(warm.silent), info: r(warm.info) };
  rows.push(
    { section: 'warm', metric: 'middleware, valid request (logs off)', value: `+${warm.silent.validOverheadUs.toFixed(1)} us`, target: '<= 5 us', ratio: warm.silent.validOverheadUs / LIMITS.validUs },
    { section: 'warm', metric: 'middleware, invalid input 400 (logs off)', value: `+${warm.silent.invalidOverheadUs.toFixed(1)} us`, target: '<= 10 us', ratio: warm.silent.invalidOverheadUs / LIMITS.invalidUs },
    { section: 'warm', metric: 'valid, with its INFO log line written', value: `+${warm.info.validOverheadUs.toFixed(1)} us` },
    { section: 'warm', metric: 'invalid, with its WARN log line written', value: `+${warm.info.invalidOverheadUs.toFixed(1)} us` },
  );
}

// ---------------------------------------------------------------------------------------------- round trips
const roundTrips = await section('roundtrips', async () => {
  const out = join(workDir, 'round-trips.json');
  say('running test/integration/round-trips.test.ts (one representative request per route, client instrumented)…');
  const run = spawnSync('npx', ['vitest', 'run', '--project', 'integration', 'test/integration/round-trips.test.ts'], {
    env: { ...process.env, ROUND_TRIPS_REPORT: out },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(readFileSync(out, 'utf8')) as { routes: { operationId: string; calls: string[] | null; why?: string }[] };
  return { testPassed: run.status === 0, ...report };
});
if (roundTrips) {
  const counted = roundTrips.routes.filter((r) => r.calls !== null);
  const max = Math.max(...counted.map((r) => r.calls?.length ?? 0));
  const over = counted.filter((r) => (r.calls?.length ?? 0) > LIMITS.calls);
  const scans = counted.filter((r) => r.calls?.some((c) => /Scan/.test(c)));
  results.roundTrips = { testPassed: roundTrips.testPassed, routes: roundTrips.routes.map((r) => ({ operationId: r.operationId, count: r.calls?.length ?? null, calls: r.calls?.join(' ') ?? null, ...(r.why ? { why: r.why } : {}) })) };
  rows.push(
    { section: 'roundtrips', metric: `max DynamoDB calls per request (${counted.length} routes)`, value: String(max), target: '<= 2', ratio: max / LIMITS.calls },
    { section: 'roundtrips', metric: 'routes over 2 calls (listed in the JSON)', value: `${over.length} (${over.filter((r) => (r.calls?.length ?? 0) > 3).map((r) => `${r.operationId} ${r.calls?.length}`).join(', ') || 'none'} over 3)` },
    { section: 'roundtrips', metric: 'Scans in request paths', value: String(scans.length), target: '0', ratio: scans.length ? Number.POSITIVE_INFINITY : 0 },
  );
}

// ---------------------------------------------------------------------------------------------- e2e
const e2e: E2eResult | undefined = await section('e2e', () => endToEnd({ connections: 10, durationSeconds: quick ? 3 : 5, rounds: quick ? 1 : 2 }));
if (e2e) {
  results.e2e = e2e;
  for (const r of e2e.routes) {
    rows.push({
      section: 'e2e',
      metric: `${r.route} vs plain node:http`,
      value: `p50 ${r.p50Ratio.toFixed(2)}x, p99 ${r.p99Ratio.toFixed(2)}x, req/s ${r.rpsRatio.toFixed(2)}x (${r.portal.p50Ms} / ${r.portal.p99Ms} ms, ${r.portal.rps.toFixed(0)} req/s; ${r.portal.non2xx + r.portal.errors} failed)`,
    });
  }
}

// ---------------------------------------------------------------------------------------------- startup
const start: StartupResult | undefined = await section('startup', () => startup());
if (start) {
  results.startup = start;
  rows.push({ section: 'startup', metric: 'npm start --fresh, spawn to serving', value: `${start.wallSeconds.toFixed(1)} s (prints ${start.reportedSeconds ?? '?'} s)`, target: '<= 15 s', ratio: start.wallSeconds / LIMITS.startSeconds });
}

// ---------------------------------------------------------------------------------------------- batch
const batch: BatchScaleResult | undefined = await section('batch', () => batchScale({ quick, say, ...(flags.full ? { budgetSeconds: Number.POSITIVE_INFINITY } : {}) }));
if (batch) {
  results.batch = batch;
  if (!batch.available) rows.push({ section: 'batch', metric: 'invoice batch scale', value: `not available: ${batch.reason}` });
  for (const s of batch.steps) {
    rows.push({ section: 'batch', metric: `${s.tickets} tickets / ${s.orgs} orgs`, value: `${s.seconds.toFixed(1)} s, live heap +${s.peakLiveHeapMb.toFixed(1)} MB (peak incl. garbage +${s.peakHeapMb.toFixed(0)} MB); seeded in ${s.seedSeconds.toFixed(0)} s` });
  }
  for (const g of batch.growth) {
    rows.push({ section: 'batch', metric: `time ratio ${g.from} -> ${g.to} tickets`, value: `${g.ratio.toFixed(2)}x`, target: '<= 11x', ratio: g.ratio / LIMITS.per10x });
  }
  if (batch.skipped) rows.push({ section: 'batch', metric: 'invoice batch scale', value: batch.skipped });
  if (batch.resume) rows.push({ section: 'batch', metric: 'killed half-way, resumed', value: batch.resume.ok ? `ok (${batch.resume.invoices} invoices, 0 duplicates)` : `FAILED: ${batch.resume.detail}` });
}

// ---------------------------------------------------------------------------------------------- report
rmSync(workDir, { recursive: true, force: true });
printTable(rows);
const judged = rows.filter((r) => r.ratio !== undefined);
const worst = judged.sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0))[0];
const summary = worst
  ? `worst: ${worst.section} ${worst.metric} = ${worst.value} against ${worst.target} -> ${(worst.ratio ?? 0).toFixed(2)} of target (${(worst.ratio ?? 0) <= 1 ? 'within' : 'OVER'} budget)${Object.keys(failures).length ? `; failed sections: ${Object.keys(failures).join(', ')}` : ''}`
  : 'no targets measured';
const file = {
  startedAt: started.toISOString(),
  durationSeconds: round((Date.now() - started.getTime()) / 1000, 1),
  machine: machine(),
  node: process.version,
  commit: commit(),
  options: { quick, only },
  table: rows.map((r) => ({ ...r, ratio: r.ratio === undefined ? undefined : round(r.ratio, 3) })),
  results,
  failures,
  summary,
};
const dir = join(process.cwd(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
const json = `${JSON.stringify(file, null, 1)}\n`;
writeFileSync(join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`), json);
writeFileSync(join(dir, 'latest.json'), json);
console.log(`\nresults: bench/results/latest.json\n${summary}`);
process.exit(0);
