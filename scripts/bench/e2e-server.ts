import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { routes } from '#shared/contracts/routes/index.ts';
import { startLocalStack } from '#infra/local/environment.ts';
import { DEMO_ACCOUNTS, seedDemoData } from '#infra/local/seed.ts';
import { startLocalApi } from '#infra/local/server.ts';

/**
 * The system under test of the end-to-end bench (scripts/bench/e2e.ts), in its own process: the local stack
 * (DynamoDB Local in memory, cognito-local, the SES and S3 stand-ins, the stream consumers), the demo data and
 * the local API exactly as `npm start` serves it, minus its stage throttling (which would answer 429s).
 * Reports the API's URL, the handlers' env and a demo buyer's access token over IPC; stops on 'stop'.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'INFO';
const dataDir = await mkdtemp(join(tmpdir(), 'portal-bench-'));
const stack = await startLocalStack({ dataDir, inMemory: true });
await seedDemoData();
const api = await startLocalApi({
  routes,
  port: 0,
  host: '127.0.0.1',
  jwt: { issuer: stack.userPool.issuer, jwksUri: stack.userPool.jwksUri, audience: [stack.userPool.clientId] },
  stage: 'local',
});
const buyer = DEMO_ACCOUNTS.find((a) => a.role.startsWith('buyer')) ?? DEMO_ACCOUNTS[0];
const auth = await new CognitoIdentityProviderClient({ endpoint: stack.endpoints.cognito }).send(
  new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: stack.userPool.clientId, AuthParameters: { USERNAME: buyer?.email ?? '', PASSWORD: buyer?.password ?? '' } }),
);
process.send?.({ apiUrl: api.url, env: stack.env, token: auth.AuthenticationResult?.AccessToken });
process.on('message', async () => {
  await api.close().catch(() => undefined);
  await stack.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
});
