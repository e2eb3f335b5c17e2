import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { DEMO_ACCOUNTS } from '#infra/local/seed.ts';

export interface LoadResult {
  p50Ms: number;
  p99Ms: number;
  rps: number;
  non2xx: number;
  errors: number;
}

export interface E2eRoute {
  route: string;
  portal: LoadResult;
  plain: LoadResult;
  p50Ratio: number;
  p99Ratio: number;
  rpsRatio: number;
}

export interface E2eResult {
  connections: number;
  durationSeconds: number;
  rounds: number;
  routes: E2eRoute[];
}

function start<T>(file: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: T }> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info: info as T }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.send('stop');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

const address = {
  label: 'Bench warehouse',
  address: { recipient: 'Goods reception', company: 'Acme', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
  phone: '+33472000000',
};

async function load(url: string, route: 'read' | 'create', token: string, connections: number, duration: number): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const request =
    route === 'read'
      ? { method: 'GET' as const, path: '/me', headers }
      : {
          method: 'POST' as const,
          path: '/account/addresses',
          headers,
          body: JSON.stringify(address),
          // A new Idempotency-Key per request: every request creates an address.
          setupRequest: (req: Record<string, unknown>) => ({ ...req, headers: { ...headers, 'idempotency-key': randomUUID() } }),
        };
  const r = await autocannon({ url, connections, duration, requests: [request as never] });
  return { p50Ms: r.latency.p50, p99Ms: r.latency.p99, rps: r.requests.average, non2xx: r.non2xx, errors: r.errors };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const combine = (xs: LoadResult[]): LoadResult => ({
  p50Ms: mean(xs.map((x) => x.p50Ms)),
  p99Ms: mean(xs.map((x) => x.p99Ms)),
  rps: mean(xs.map((x) => x.rps)),
  non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
  errors: xs.reduce((a, x) => a + x.errors, 0),
});

/**
 * autocannon on loopback against the local API (local server -> handlers -> DynamoDB Local) for a read route
 * (getMe) and a create route (createAddress), and against a plain node:http server making the same DynamoDB
 * calls on the same DynamoDB Local; alternating rounds, bounded connections and duration.
 */
export async function endToEnd(opts: { connections: number; durationSeconds: number; rounds: number }): Promise<E2eResult> {
  const sut = await start<{ apiUrl: string; env: Record<string, string>; token: string }>('./e2e-server.ts', { ...process.env });
  let plain: { child: ChildProcess; info: { url: string } } | undefined;
  try {
    const { apiUrl, env, token } = sut.info;
    const userId = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).sub as string;
    const orgId = DEMO_ACCOUNTS.find((a) => a.role.startsWith('buyer'))?.org?.orgId ?? '';
    plain = await start<{ url: string }>('./plain-server.ts', { ...process.env, ...env, BENCH_USER_ID: userId, BENCH_ORG_ID: orgId });
    const routes: E2eRoute[] = [];
    for (const route of ['read', 'create'] as const) {
      // Warm-up: handler modules load on first use, the JVM compiles its hot paths.
      await load(apiUrl, route, token, 2, 1);
      await load(plain.info.url, route, token, 2, 1);
      const portal: LoadResult[] = [];
      const base: LoadResult[] = [];
      for (let i = 0; i < opts.rounds; i++) {
        const pair = i % 2 === 0 ? [apiUrl, plain.info.url] : [plain.info.url, apiUrl];
        for (const url of pair) (url === apiUrl ? portal : base).push(await load(url, route, token, opts.connections, opts.durationSeconds));
      }
      const [p, b] = [combine(portal), combine(base)];
      routes.push({ route: route === 'read' ? 'getMe (GET /me)' : 'createAddress (POST /account/addresses)', portal: p, plain: b, p50Ratio: p.p50Ms / b.p50Ms, p99Ratio: p.p99Ms / b.p99Ms, rpsRatio: p.rps / b.rps });
    }
    return { connections: opts.connections, durationSeconds: opts.durationSeconds, rounds: opts.rounds, routes };
  } finally {
    if (plain) await stop(plain.child);
    await stop(sut.child);
  }
}
