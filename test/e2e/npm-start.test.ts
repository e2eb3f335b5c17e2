import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '#infra/local/standins.ts';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function start(env: Record<string, string>, args: string[] = []): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(check: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  it('starts everything, writes .local/endpoints.json, serves the API, and stops every child on Ctrl-C', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'portal-start-'));
    dirs.push(dataDir);
    const port = await findFreePort();
    const free = async () => String(await findFreePort());
    const run = start(
      { PORT: String(port), LOCAL_DATA_DIR: dataDir, DYNAMODB_PORT: await free(), COGNITO_PORT: await free(), SES_PORT: await free(), S3_PORT: await free() },
      ['--fresh'],
    );
    await until(() => /ready in/.test(run.output()), 45_000);
    const endpoints = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8'));
    expect(endpoints.apiUrl).toBe(`http://localhost:${port}`);
    expect(endpoints.cognito.userPoolId).toMatch(/^local_/);
    expect(endpoints.demo.accounts.map((a: { email: string }) => a.email)).toContain('staff@vendor.example');
    expect(run.output()).toContain(endpoints.mailbox);
    expect((await fetch(`${endpoints.apiUrl}/health`)).status).toBe(200);
    expect((await fetch(`${endpoints.apiUrl}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${endpoints.mailbox}/store`)).status).toBe(200);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    await expect(fetch(`${endpoints.mailbox}/store`)).rejects.toThrow();
    await expect(fetch(`${endpoints.dynamodb.endpoint}`)).rejects.toThrow();
  }, 90_000);

  it('refuses a busy API port with a clear message and a non-zero exit', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const run = start({ PORT: String(port), LOCAL_DATA_DIR: join(tmpdir(), 'portal-busy') });
      expect(await run.exited).not.toBe(0);
      expect(run.output()).toMatch(new RegExp(`port ${port} is busy \\(API server\\)`));
    } finally {
      blocker.close();
    }
  });

  it('refuses to start without Java, saying how to install it', async () => {
    const run = start({ PATH: '/nonexistent', LOCAL_DATA_DIR: join(tmpdir(), 'portal-nojava'), PORT: String(await findFreePort()) });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/Java 17\+ is required/);
  });
});
