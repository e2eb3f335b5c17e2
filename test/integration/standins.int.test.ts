import { execFile } from 'node:child_process';
import { createPublicKey, randomUUID, verify, type JsonWebKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ensureBucket, ensureTable, ensureUserPool, type UserPoolInfo } from '#infra/local/bootstrap.ts';
import {
  assertPortFree,
  findFreePort,
  LOCAL_CREDENTIALS,
  startCognitoLocal,
  startDynamoDbLocal,
  startS3Local,
  startSesLocal,
  type StandIn,
} from '#infra/local/standins.ts';
import { startStreamPoller } from '#infra/local/stream-poller.ts';

const REGION = 'eu-central-1';
const TABLE = 'standins-test';
const STAFF = 'staff';
const BUCKET = 'standins-test-bucket';

let workDir: string;
let dynamo: StandIn;
let cognito: StandIn;
let ses: StandIn;
let s3: StandIn;
let streamArn: string;
let pool: UserPoolInfo;
let stopped = false;
let childrenBefore: string[] = [];
const startMs: Record<string, number> = {};

async function timed<T>(label: string, start: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await start();
  startMs[label] = Math.round(performance.now() - t0);
  return result;
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const parse = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}

function verifyRs256(token: string, jwk: JsonWebKey): boolean {
  const [header, payload, signature] = token.split('.');
  return verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(signature ?? '', 'base64url'),
  );
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function childProcesses(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)]);
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^\d+\s+ps\b/.test(line));
}

const dynamoClient = () => new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });

async function stopAll(): Promise<void> {
  if (stopped) return;
  stopped = true;
  await Promise.all([dynamo, cognito, ses, s3].filter((s) => s !== undefined).map((s) => s.stop()));
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'standins-test-'));
  // whatever else runs in this process (another pool mode, a global setup) is not ours to judge
  childrenBefore = await childProcesses();
  [dynamo, cognito, ses, s3] = await Promise.all([
    timed('dynamodb', () => startDynamoDbLocal()),
    timed('cognito', () => startCognitoLocal({ dataDir: path.join(workDir, 'cognito') })),
    timed('ses', () => startSesLocal()),
    timed('s3', () => startS3Local({ dir: path.join(workDir, 's3') })),
  ]);

  const bootstrapOnce = async () => {
    const [table, userPool] = await Promise.all([
      ensureTable({ endpoint: dynamo.endpoint, region: REGION, tableName: TABLE }),
      ensureUserPool({ endpoint: cognito.endpoint, region: REGION, poolName: 'portal', clientName: 'portal-web', staffGroup: STAFF }),
      ensureBucket({ endpoint: s3.endpoint, region: REGION, bucket: BUCKET }),
    ]);
    return { table, userPool };
  };
  const first = await timed('bootstrap (create)', bootstrapOnce);
  const second = await timed('bootstrap (existing)', bootstrapOnce);
  // idempotent: the second run finds everything and hands back the same identifiers
  expect(second).toEqual(first);
  streamArn = first.table.streamArn;
  pool = first.userPool;
}, 90_000);

afterAll(async () => {
  await stopAll();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  console.info('stand-in start times (ms, started in parallel):', startMs);
}, 30_000);

describe('ports', () => {
  it('findFreePort keeps a free preferred port and replaces a busy one', async () => {
    const free = await findFreePort();
    expect(await findFreePort(free)).toBe(free);
    expect(await findFreePort(dynamo.port)).not.toBe(dynamo.port);
  });

  it('assertPortFree names the port and what wanted it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await expect(assertPortFree(port, 'API server')).rejects.toThrow(
        `port ${port} is busy (API server): stop the other process or set PORT`,
      );
      await expect(startSesLocal({ port })).rejects.toThrow(`port ${port} is busy`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('DynamoDB Local', () => {
  it('has the single table with both GSIs, a NEW_AND_OLD_IMAGES stream and TTL on `ttl`', async () => {
    const client = dynamoClient();
    const table = (await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table;
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const gsis = Object.fromEntries((table?.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, g]));
    for (const name of ['gsi1', 'gsi2']) {
      expect(gsis[name]?.KeySchema).toEqual([
        { AttributeName: `${name}pk`, KeyType: 'HASH' },
        { AttributeName: `${name}sk`, KeyType: 'RANGE' },
      ]);
      expect(gsis[name]?.Projection?.ProjectionType).toBe('ALL');
    }
    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table?.LatestStreamArn).toBe(streamArn);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    client.destroy();
  });

  it('keeps tables across restarts when file-backed, and bootstrap finds them', async () => {
    const dbPath = path.join(workDir, 'dynamodb');
    const first = await startDynamoDbLocal({ dbPath });
    let arn: string;
    try {
      arn = (await ensureTable({ endpoint: first.endpoint, region: REGION, tableName: TABLE })).streamArn;
    } finally {
      await first.stop();
    }
    const second = await startDynamoDbLocal({ dbPath });
    try {
      // another region: -sharedDb makes region and credentials irrelevant to which database is used
      const again = await ensureTable({ endpoint: second.endpoint, region: 'us-west-2', tableName: TABLE });
      expect(again.streamArn).toBe(arn);
    } finally {
      await second.stop();
    }
  }, 60_000);
});

describe('stream poller', () => {
  it('delivers an inserted item to the handler in Lambda record shape (empty maps and lists included)', async () => {
    const received: DynamoDBRecord[] = [];
    const poller = startStreamPoller({
      endpoint: dynamo.endpoint,
      region: REGION,
      streamArn,
      handler: async (event: DynamoDBStreamEvent) => {
        received.push(...event.Records);
      },
    });
    const pk = `deliver#${randomUUID()}`;
    try {
      await poller.idle();
      const client = dynamoClient();
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: pk }, sk: { S: 'A' }, n: { N: '42' }, bin: { B: Buffer.from('hi') }, tags: { SS: ['x'] }, none: { M: {} }, nil: { L: [] } },
        }),
      );
      client.destroy();
      await poller.idle();
    } finally {
      await poller.stop();
    }
    const mine = received.filter((r) => r.dynamodb?.Keys?.pk?.S === pk);
    expect(mine).toHaveLength(1);
    const record = mine[0];
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: REGION,
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { pk: { S: pk }, sk: { S: 'A' } },
        NewImage: { pk: { S: pk }, sk: { S: 'A' }, n: { N: '42' }, bin: { B: Buffer.from('hi').toString('base64') }, tags: { SS: ['x'] }, none: { M: {} }, nil: { L: [] } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(record?.eventID).toEqual(expect.any(String));
    expect(record?.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    expect(record?.dynamodb?.SizeBytes).toBeGreaterThan(0);
    expect(record?.dynamodb?.ApproximateCreationDateTime).toEqual(expect.any(Number));
    expect(record?.dynamodb?.OldImage).toBeUndefined();
  });

  async function putItems(prefix: string, names: string[]): Promise<void> {
    const client = dynamoClient();
    for (const name of names) {
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `${prefix}#${name}` }, sk: { S: 'A' } } }));
    }
    client.destroy();
  }
  const nameOf = (record: DynamoDBRecord, prefix: string) => record.dynamodb?.Keys?.pk?.S?.slice(prefix.length + 1);

  it('retries a record reported in batchItemFailures, sends a poison record to onFailure and goes on', async () => {
    const prefix = `partial-${randomUUID()}`;
    // written before the poller starts so they arrive as one batch (read from TRIM_HORIZON)
    await putItems(prefix, ['a', 'flaky', 'b', 'poison', 'c', 'd']);
    const attempts = new Map<string, number>();
    const processed: string[] = [];
    const batches: string[][] = [];
    const failed: { name: string | undefined; error: unknown }[] = [];
    const poller = startStreamPoller({
      endpoint: dynamo.endpoint,
      region: REGION,
      streamArn,
      startAt: 'TRIM_HORIZON',
      retryAttempts: 2,
      handler: async (event) => {
        const batchItemFailures: { itemIdentifier: string }[] = [];
        const names: string[] = [];
        for (const record of event.Records) {
          if (!record.dynamodb?.Keys?.pk?.S?.startsWith(`${prefix}#`)) continue;
          const name = nameOf(record, prefix) ?? '';
          names.push(name);
          const attempt = (attempts.get(name) ?? 0) + 1;
          attempts.set(name, attempt);
          if (name === 'poison' || (name === 'flaky' && attempt === 1)) {
            batchItemFailures.push({ itemIdentifier: record.dynamodb.SequenceNumber ?? '' });
          } else {
            processed.push(name);
          }
        }
        if (names.length > 0) batches.push(names);
        return { batchItemFailures };
      },
      onFailure: (record, error) => {
        failed.push({ name: nameOf(record, prefix), error });
      },
    });
    try {
      await poller.idle();
    } finally {
      await poller.stop();
    }
    expect(batches[0]).toEqual(['a', 'flaky', 'b', 'poison', 'c', 'd']);
    // resumed at the first reported failure: `a` is never redelivered
    expect(batches[1]).toEqual(['flaky', 'b', 'poison', 'c', 'd']);
    expect(attempts.get('a')).toBe(1);
    expect(attempts.get('flaky')).toBe(2);
    // retryAttempts + 1 tries, then the on-failure destination
    expect(attempts.get('poison')).toBe(3);
    expect(failed.map((f) => f.name)).toEqual(['poison']);
    expect((failed[0]?.error as Error).message).toMatch(/batchItemFailures/);
    // the records after the poison one are still delivered, and the poison one no longer blocks them
    expect(batches.at(-1)).toEqual(['c', 'd']);
    expect(new Set(processed)).toEqual(new Set(['a', 'flaky', 'b', 'c', 'd']));
  });

  it('bisects a batch whose handler throws, so only the poison record is given up', async () => {
    const prefix = `throw-${randomUUID()}`;
    await putItems(prefix, ['a', 'b', 'c', 'poison', 'd', 'e', 'f']);
    const processed = new Set<string>();
    const batchSizes: number[] = [];
    const failed: { name: string | undefined; error: unknown }[] = [];
    const poller = startStreamPoller({
      endpoint: dynamo.endpoint,
      region: REGION,
      streamArn,
      startAt: 'TRIM_HORIZON',
      retryAttempts: 1,
      handler: async (event) => {
        const mine = event.Records.filter((r) => r.dynamodb?.Keys?.pk?.S?.startsWith(`${prefix}#`));
        if (mine.length === 0) return;
        batchSizes.push(mine.length);
        if (mine.some((r) => nameOf(r, prefix) === 'poison')) throw new Error('cannot handle poison');
        for (const r of mine) processed.add(nameOf(r, prefix) ?? '');
      },
      onFailure: (record, error) => {
        failed.push({ name: nameOf(record, prefix), error });
      },
    });
    try {
      await poller.idle();
    } finally {
      await poller.stop();
    }
    expect(failed).toHaveLength(1);
    expect(failed[0]?.name).toBe('poison');
    expect((failed[0]?.error as Error).message).toBe('cannot handle poison');
    expect([...processed].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    // the poison record ends up alone and is tried retryAttempts + 1 times on its own
    expect(batchSizes.filter((n) => n === 1).length).toBeGreaterThanOrEqual(2);
  });
});

describe('cognito-local', () => {
  it('bootstraps the pool, client and staff group with the requested settings', async () => {
    const client = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    const described = (await client.send(new DescribeUserPoolCommand({ UserPoolId: pool.userPoolId }))).UserPool;
    expect(described?.UsernameAttributes).toEqual(['email']);
    expect(described?.Policies?.PasswordPolicy?.MinimumLength).toBe(12);
    const appClient = (await client.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId })))
      .UserPoolClient;
    expect(appClient?.ClientSecret).toBeUndefined();
    expect(appClient?.ExplicitAuthFlows).toEqual(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(pool.issuer).toBe(`${cognito.endpoint}/${pool.userPoolId}`);
    client.destroy();
  });

  it('issues RS256 tokens for a created user, verifiable with the JWKS', async () => {
    const client = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    const email = `staff-${randomUUID()}@example.com`;
    const password = 'a long enough passphrase';
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: email,
        UserAttributes: [{ Name: 'email', Value: email }],
        MessageAction: 'SUPPRESS',
      }),
    );
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: email, Password: password, Permanent: true }));
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: email, GroupName: STAFF }));
    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    client.destroy();
    const accessToken = auth.AuthenticationResult?.AccessToken ?? '';
    const idToken = auth.AuthenticationResult?.IdToken ?? '';

    const access = decodeJwt(accessToken);
    expect(access.header).toMatchObject({ alg: 'RS256', kid: 'CognitoLocal' });
    expect(access.payload).toMatchObject({
      token_use: 'access',
      client_id: pool.clientId,
      iss: pool.issuer,
      scope: 'aws.cognito.signin.user.admin',
      'cognito:groups': [STAFF],
    });
    expect(access.payload).not.toHaveProperty('aud');
    expect(access.payload).not.toHaveProperty('email');

    const id = decodeJwt(idToken);
    expect(id.header).toMatchObject({ alg: 'RS256', kid: 'CognitoLocal' });
    expect(id.payload).toMatchObject({
      token_use: 'id',
      aud: pool.clientId,
      iss: pool.issuer,
      email,
      email_verified: false,
      'cognito:groups': [STAFF],
    });
    expect(id.payload).not.toHaveProperty('client_id');
    // email is the sign-in alias; the username itself is the sub
    expect(id.payload['cognito:username']).toBe(id.payload.sub);
    expect(access.payload.sub).toBe(id.payload.sub);

    const jwks = (await (await fetch(pool.jwksUri)).json()) as { keys: (JsonWebKey & { kid?: string })[] };
    const key = jwks.keys.find((k) => k.kid === 'CognitoLocal');
    expect(key).toBeDefined();
    expect(verifyRs256(accessToken, key as JsonWebKey)).toBe(true);
    expect(verifyRs256(idToken, key as JsonWebKey)).toBe(true);
  });
});

describe('aws-ses-v2-local', () => {
  it('stores a SendEmail in GET /store, and POST /clear-store empties it', async () => {
    const client = new SESv2Client({ endpoint: ses.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    const sent = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'noreply@example.com',
        Destination: { ToAddresses: ['customer@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Your ticket' },
            Body: { Text: { Data: 'Hello' }, Html: { Data: '<p>Hello</p>' } },
          },
        },
      }),
    );
    client.destroy();
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: unknown[]; templates: Record<string, unknown> };
    expect(store.templates).toEqual({});
    expect(store.emails.filter((e) => (e as { messageId?: string }).messageId === sent.MessageId)).toEqual([
      {
        messageId: sent.MessageId,
        from: 'noreply@example.com',
        replyTo: [],
        destination: { to: ['customer@example.com'], cc: [], bcc: [] },
        subject: 'Your ticket',
        body: { text: 'Hello', html: '<p>Hello</p>' },
        attachments: [],
        at: expect.any(Number),
      },
    ]);
    expect((await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' })).status).toBe(200);
    const cleared = (await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: unknown[] };
    expect(cleared.emails).toEqual([]);
  });
});

describe('s3rver', () => {
  it('accepts the project dummy credentials and round-trips an object', async () => {
    const client = new S3Client({ endpoint: s3.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a/b.txt', Body: 'content', ContentType: 'text/plain' }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('content');
    client.destroy();
  });
});

describe('stop', () => {
  it('kills every child and frees every port', async () => {
    const pids = [dynamo.pid, cognito.pid].filter((pid): pid is number => pid !== undefined);
    expect(pids).toHaveLength(2);
    expect(pids.every(pidAlive)).toBe(true);
    await stopAll();
    expect(pids.filter(pidAlive)).toEqual([]);
    expect((await childProcesses()).filter((line) => !childrenBefore.includes(line))).toEqual([]);
    for (const standIn of [dynamo, cognito, ses, s3]) expect(await portAnswers(standIn.port)).toBe(false);
  });
});
