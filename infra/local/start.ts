/**
 * `npm start`: the whole system on this machine, no AWS account. Starts DynamoDB Local (file-backed under
 * .local/, or in memory with --fresh), cognito-local, the SES stand-in (web mailbox) and s3rver; creates the
 * table, user pool, app client, staff group and bucket; seeds the demo data; serves the API with
 * /openapi.json and /docs; writes .local/endpoints.json. Ctrl-C stops every child.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { routes } from '#shared/contracts/routes/index.ts';
import { buildOpenApiDocument } from '#shared/contracts/openapi.ts';
import { type LocalStack, LOCAL_REGION, startLocalStack } from './environment.ts';
import { DEMO_ACCOUNTS, DEMO_ORGS, seedDemoData } from './seed.ts';
import { type RunningApi, startLocalApi } from './server.ts';
import { assertPortFree, checkJava, findFreePort } from './standins.ts';

const t0 = performance.now();
// The SDK warns that its 2027 releases need Node 22; the lock file pins today's versions (see README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values: flags } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.local');
const port = Number(process.env.PORT ?? 3000);
const say = (line: string) => {
  if (!flags.quiet) process.stdout.write(line + '\n');
};

let stack: LocalStack | undefined;
let api: RunningApi | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say('\nstopping…');
  await api?.close().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  await checkJava();
  await assertPortFree(port, 'API server');
  await mkdir(dataDir, { recursive: true });
  say(`starting the local stack in ${dataDir}${flags.fresh ? ' (fresh, in memory)' : ''}…`);
  // Stable ports when free (bookmarkable mailbox; cognito-local's issuer embeds its port, so tokens survive a
  // restart only if it keeps it), else any free port. Each can be pinned with an env var.
  const ports = {
    dynamodb: await findFreePort(Number(process.env.DYNAMODB_PORT ?? 8000)),
    cognito: await findFreePort(Number(process.env.COGNITO_PORT ?? 9229)),
    ses: await findFreePort(Number(process.env.SES_PORT ?? 8005)),
    s3: await findFreePort(Number(process.env.S3_PORT ?? 4569)),
  };
  stack = await startLocalStack({
    dataDir,
    ports,
    inMemory: flags.fresh,
    sweepEveryMs: 60_000,
    onReady: (what, ms) => say(`  ✓ ${what} (${ms} ms)`),
  });
  if (!flags['no-seed']) {
    await seedDemoData();
    say('  ✓ demo data');
  }
  api = await startLocalApi({
    routes,
    port,
    jwt: { issuer: stack.userPool.issuer, jwksUri: stack.userPool.jwksUri, audience: [stack.userPool.clientId] },
    corsOrigins: (process.env.CORS_ORIGINS ?? 'http://localhost:5173,http://localhost:3001').split(','),
    throttle: { ratePerSecond: 100, burst: 200 },
    openapi: () => buildOpenApiDocument({ serverUrl: `http://localhost:${port}` }),
    stage: 'local',
    host: '0.0.0.0',
  });

  const endpoints = {
    apiUrl: api.url,
    openApi: `${api.url}/openapi.json`,
    docs: `${api.url}/docs`,
    region: LOCAL_REGION,
    cognito: { endpoint: stack.endpoints.cognito, userPoolId: stack.userPool.userPoolId, clientId: stack.userPool.clientId, issuer: stack.userPool.issuer },
    mailbox: stack.endpoints.mailbox,
    dynamodb: { endpoint: stack.endpoints.dynamodb, table: stack.tableName },
    s3: { endpoint: stack.endpoints.s3, bucket: stack.bucket },
    demo: {
      accounts: DEMO_ACCOUNTS.map(({ email, password, role }) => ({ email, password, role })),
      orgs: DEMO_ORGS.map(({ orgId, name, domains, kind }) => ({ orgId, name, kind, domains })),
    },
  };
  await writeFile(join(dataDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2) + '\n');

  const ready = ((performance.now() - t0) / 1000).toFixed(1);
  say(`
Support Portal API is ready in ${ready} s
  API            ${endpoints.apiUrl}
  Reference      ${endpoints.docs}   (OpenAPI: ${endpoints.openApi})
  Mailbox        ${endpoints.mailbox}
  Cognito        ${endpoints.cognito.endpoint}  pool ${endpoints.cognito.userPoolId}  client ${endpoints.cognito.clientId}
  DynamoDB       ${endpoints.dynamodb.endpoint}  table ${endpoints.dynamodb.table}
  S3             ${endpoints.s3.endpoint}  bucket ${endpoints.s3.bucket}
  Region         ${endpoints.region}
Demo accounts (password ${DEMO_ACCOUNTS[0]?.password}):
${DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(30)} ${a.role}`).join('\n')}
Written to ${join(dataDir, 'endpoints.json')}. Ctrl-C stops everything.`);
} catch (e) {
  process.stderr.write(`\nnpm start failed: ${(e as Error).message}\n`);
  await shutdown(1);
}
