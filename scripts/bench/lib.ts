import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';

/** Shared helpers of `npm run bench` (scripts/bench/index.ts). */

export const median = (xs: readonly number[]) => percentile(xs, 50);

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}

export function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function machine() {
  const cpu = cpus();
  return { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGb: round(totalmem() / 2 ** 30, 1), platform: process.platform, arch: process.arch };
}

export function commit(): { sha: string; dirty: boolean } {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim().length > 0;
    return { sha, dirty };
  } catch {
    return { sha: 'unknown', dirty: true };
  }
}

/**
 * One row of the printed table. `ratio` is the measured value as a ratio to its target (value / target for
 * "at most" targets): <= 1 meets it. Rows without a target are reported only.
 */
export interface Row {
  section: string;
  metric: string;
  value: string;
  target?: string;
  ratio?: number;
}

export function printTable(rows: readonly Row[]) {
  const cols = [
    ['section', (r: Row) => r.section],
    ['metric', (r: Row) => r.metric],
    ['value', (r: Row) => r.value],
    ['target', (r: Row) => r.target ?? ''],
    ['of target', (r: Row) => (r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}${r.ratio > 1 ? ' OVER' : ''}`)],
  ] as const;
  const widths = cols.map(([h, f]) => Math.max(h.length, ...rows.map((r) => f(r).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(line(cols.map(([h]) => h)));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map(([, f]) => f(r))));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
