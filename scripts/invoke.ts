/**
 * `npm run invoke -- <function> <event.json>`: runs one handler against the local stack that `npm start`
 * is serving (endpoints from .local/endpoints.json), as Lambda would: the event from the file, a context,
 * the result printed. <function> is a route's operationId, a background function's id, or a handler id
 * (`identity/get-me`).
 *
 * For API events, `--as <email>` signs in as that demo account (password from endpoints.json) and puts its
 * real user id and groups into the event's JWT claims, as the HTTP API's authorizer would.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { useLocalStack } from './local-env.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { as: { type: 'string' } } });
const [name, eventFile] = positionals;
if (!name || !eventFile) {
  console.error('usage: npm run invoke -- <operationId | function id | handler> <event.json> [--as <demo email>]');
  console.error(`functions: ${[...routes.map((r) => r.operationId), ...backgroundFunctions.map((f) => f.id)].join(', ')}`);
  process.exit(2);
}
const handlerId =
  routes.find((r) => r.operationId === name)?.handler ?? backgroundFunctions.find((f) => f.id === name)?.handler ?? (/^[a-z0-9-]+\/[a-z0-9-]+$/.test(name) ? name : undefined);
if (!handlerId) {
  console.error(`unknown function "${name}"`);
  process.exit(2);
}

const endpoints = await useLocalStack();

const event = JSON.parse(await readFile(resolve(eventFile), 'utf8'));
if (values.as) {
  const account = endpoints.demo.accounts.find((a: { email: string }) => a.email === values.as);
  if (!account) {
    console.error(`--as: ${values.as} is not a demo account`);
    process.exit(2);
  }
  const auth = await new CognitoIdentityProviderClient({ endpoint: endpoints.cognito.endpoint }).send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: endpoints.cognito.clientId, AuthParameters: { USERNAME: account.email, PASSWORD: account.password } }),
  );
  const claims = JSON.parse(Buffer.from((auth.AuthenticationResult?.AccessToken ?? '').split('.')[1] ?? '', 'base64url').toString('utf8'));
  event.requestContext ??= {};
  event.requestContext.authorizer = { jwt: { claims: { ...claims, 'cognito:groups': `[${(claims['cognito:groups'] ?? []).join(' ')}]` }, scopes: null } };
}

const mod = await import(pathToFileURL(resolve('functions', `${handlerId}.ts`)).href);
const started = performance.now();
const result = await mod.handler(event, {
  functionName: name,
  awsRequestId: event.requestContext?.requestId ?? 'local-invoke',
  getRemainingTimeInMillis: () => 30_000,
});
console.error(`\n${handlerId} finished in ${(performance.now() - started).toFixed(1)} ms`);
console.log(JSON.stringify(result, null, 2));
