import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './lib.ts';

export interface StartupResult {
  /** From spawning `npm start` to GET /health answering 200. */
  wallSeconds: number;
  /** What `npm start` printed ("ready in X s", measured from its own process start). */
  reportedSeconds: number | undefined;
}

/**
 * `npm start -- --fresh` (DynamoDB Local in memory, a throw-away data dir, the API on a free port) from spawn
 * to serving; then Ctrl-C (SIGINT to its process group) and wait for it to stop.
 */
export async function startup(timeoutMs = 120_000): Promise<StartupResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'portal-bench-start-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--', '--fresh'], {
    env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const reported = await new Promise<number | undefined>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start not ready after ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
      const check = () => {
        const m = /is ready in ([\d.]+) s/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out.slice(-2000)}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    if (res.status !== 200) throw new Error(`GET /health answered ${res.status}`);
    return { wallSeconds: (performance.now() - t0) / 1000, reportedSeconds: reported };
  } finally {
    const running = () => child.exitCode === null && child.signalCode === null;
    const signal = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    if (running()) {
      signal('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    // The group may outlive npm (tsx, the JVM): whatever is left of it goes too.
    signal('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}
