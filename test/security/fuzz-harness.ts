import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { ensureTable } from '#infra/local/bootstrap.ts';
import { LOCAL_REGION } from '#infra/local/environment.ts';
import { createTestOrg, createTestUser } from '#test/support/identity.ts';
import { type LambdaHttpHandler, defaultLoadHandler } from '#infra/local/server.ts';
import type { FuzzRequest } from './fuzz-arbitraries.ts';

/*
 * Drives the route handlers in process: the same middy stack the Lambda runs, fed API Gateway v2 events with
 * the claims the JWT authorizer would pass (the gateway's own token checks are tested in part A), no sockets.
 * Successful DynamoDB write commands are attributed to the request that sent them (AsyncLocalStorage).
 */

const WRITE = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;
const attribution = new AsyncLocalStorage<{ writes: string[] }>();
let installed = false;

/** Partitions whose principal Query is served from memory (see cachePrincipals). */
const cachedPartitions = new Set<string>();
const principalCache = new Map<string, unknown>();

/**
 * Serves the principal Query (profile + memberships of a fuzz caller, P1 in principals.ts) from memory after
 * its first read, until the next successful write of any kind. DynamoDB Local answers ~500 reads/s on two
 * cores, and every authenticated request starts with that read: without this, 70+ routes x 1,000 inputs
 * would take minutes. The data still comes from the table; everything else the handlers read or write
 * goes to it unchanged.
 */
export function cachePrincipals(userIds: string[]) {
  for (const id of userIds) cachedPartitions.add(keys.userPartition(id));
}

function principalPartition(name: string, input: unknown): string | undefined {
  if (name !== 'QueryCommand') return undefined;
  const i = input as { KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, unknown>; IndexName?: string; ExclusiveStartKey?: unknown };
  if (i.KeyConditionExpression !== '#pk = :pk' || i.IndexName || i.ExclusiveStartKey) return undefined;
  // The DocumentClient command (plain values) runs the raw command (AttributeValues) through the same stack:
  // two levels, two cache entries.
  const v = i.ExpressionAttributeValues?.[':pk'];
  const pk = typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S;
  return pk && cachedPartitions.has(pk) ? `${typeof v}:${pk}` : undefined;
}

function installWriteCounter() {
  if (installed) return;
  installed = true;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName ?? '');
      const cacheKey = principalPartition(name, args.input);
      if (cacheKey && principalCache.has(cacheKey)) return { response: {}, output: structuredClone(principalCache.get(cacheKey)) } as Awaited<ReturnType<typeof next>>;
      const out = await next(args);
      if (cacheKey) principalCache.set(cacheKey, structuredClone(out.output));
      if (WRITE.test(name)) principalCache.clear();
      if (WRITE.test(name)) attribution.getStore()?.writes.push(`${name}:${firstPk(args.input) ?? '?'}`);
      return out;
    },
    { step: 'initialize', name: 'fuzzWriteCounter' },
  );
}

function firstPk(input: unknown): string | undefined {
  const i = input as { Key?: { pk?: unknown }; Item?: { pk?: unknown }; TransactItems?: { Put?: { Item?: { pk?: unknown } }; Update?: { Key?: { pk?: unknown } } }[] } | undefined;
  const t = i?.TransactItems?.[0];
  const pk = i?.Key?.pk ?? i?.Item?.pk ?? t?.Put?.Item?.pk ?? t?.Update?.Key?.pk;
  if (typeof pk === 'string') return pk;
  if (pk && typeof pk === 'object' && typeof (pk as { S?: unknown }).S === 'string') return (pk as { S: string }).S;
  return undefined;
}

export interface Caller {
  userId: string;
  staff?: boolean;
}

export interface FuzzResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Successful write commands this request sent. */
  writes: string[];
}

const handlers = new Map<string, Promise<LambdaHttpHandler>>();

export function loadRouteHandler(route: RouteSpec) {
  let h = handlers.get(route.handler);
  if (!h) handlers.set(route.handler, (h = defaultLoadHandler(route.handler)));
  return h;
}

export function buildEvent(route: RouteSpec, r: FuzzRequest, caller: Caller | undefined, sourceIp: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  const requestId = randomUUID();
  const headers: Record<string, string> = { ...r.headers, 'user-agent': 'fuzz' };
  if (r.contentType) headers['content-type'] = r.contentType;
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(r.path[name] ?? ''));
  const now = new Date();
  const claims: Record<string, unknown> = caller
    ? { sub: caller.userId, token_use: 'access', 'cognito:groups': caller.staff ? ['vendor-staff'] : [], client_id: 'fuzz', exp: Math.floor(Date.now() / 1000) + 3600 }
    : {};
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: new URLSearchParams(r.query).toString(),
    headers,
    ...(Object.keys(r.query).length > 0 ? { queryStringParameters: r.query } : {}),
    ...(Object.keys(r.path).length > 0 ? { pathParameters: r.path } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'fuzz',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp, userAgent: 'fuzz' },
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims as Record<string, string>, scopes: null as unknown as string[] } },
    },
    ...(r.body !== undefined ? { body: r.body } : {}),
    isBase64Encoded: r.isBase64Encoded ?? false,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const context = (route: RouteSpec): Context =>
  ({
    callbackWaitsForEmptyEventLoop: false,
    functionName: route.operationId,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.operationId}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${route.operationId}`,
    logStreamName: 'fuzz',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** Invokes the route's Lambda handler with one request. */
export async function invoke(route: RouteSpec, r: FuzzRequest, caller: Caller | undefined, sourceIp = '198.51.100.7'): Promise<FuzzResult> {
  installWriteCounter();
  const handler = await loadRouteHandler(route);
  const store = { writes: [] as string[] };
  const res = await attribution.run(store, () => handler(buildEvent(route, r, caller, sourceIp), context(route)));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = String(v);
  return { status: res.statusCode ?? 200, body: res.body ?? '', headers, writes: store.writes };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

/** Every item of a table, in a stable order (for before/after comparisons of a table only the fuzzer uses). */
export async function snapshotTable(tableName: string, endpoint: string): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint });
  const items: string[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items.sort();
}

/** Signs of a leaked stack trace or internals in a response body. */
export const STACK_TRACE = /\bat [\w$.<>\[\] ]+ \(|\bat (file|node):|\.(ts|js|mjs|cjs):\d+:\d+|node_modules|\/work\/|[A-Za-z]+Error: |ValidationException|ConditionalCheckFailed|TransactionCanceled/;

export interface Callers {
  admin: Caller;
  basic: Caller;
  staff: Caller;
  /** A caller the route's rule admits, so inputs get past authorization to the parsing and the handler. */
  callerFor(route: RouteSpec): Caller | undefined;
}

/**
 * Creates `tableName` (the caller file set TABLE_NAME to it in `vi.hoisted`, before any module read it) and
 * three callers in it: a site admin of an Enterprise customer org, a Basic user, a staff member.
 */
export async function ownTableWithCallers(endpoint: string, tableName: string): Promise<Callers> {
  await ensureTable({ endpoint, region: LOCAL_REGION, tableName });
  const org = await createTestOrg();
  const [a, b, s] = await Promise.all([
    createTestUser({ org: { org, role: 'site_admin' }, tier: 'enterprise' }),
    createTestUser({ tier: 'basic' }),
    createTestUser({ staff: true }),
  ]);
  const admin = { userId: a.userId };
  const basic = { userId: b.userId };
  const staff = { userId: s.userId, staff: true };
  return {
    admin,
    basic,
    staff,
    callerFor(route) {
      const auth = route.auth;
      if (auth.kind === 'public') return undefined;
      if (auth.kind === 'staff') return staff;
      if (auth.tiers && !auth.tiers.includes('enterprise')) return basic;
      return admin;
    },
  };
}
