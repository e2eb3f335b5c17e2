import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { ENV } from '#shared/config/env.ts';
import { type UserPoolInfo, ensureBucket, ensureTable, ensureUserPool } from './bootstrap.ts';
import { LOCAL_CREDENTIALS, type StandIn, startCognitoLocal, startDynamoDbLocal, startS3Local, startSesLocal } from './standins.ts';
import { startStreamPoller } from './stream-poller.ts';

export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_TABLE = 'portal-local';
export const LOCAL_BUCKET = 'portal-local-files';
export const STAFF_GROUP = 'vendor-staff';
export const LOCAL_MAIL_FROM = 'Support Portal <no-reply@portal.local>';

export interface LocalStackOptions {
  /** Folder for state: cognito-local's pool, s3rver's objects, the seal key, and DynamoDB's file unless `inMemory`. */
  dataDir: string;
  /** DynamoDB Local in memory (a fresh run) instead of file-backed under dataDir. */
  inMemory?: boolean;
  ports?: { dynamodb?: number; cognito?: number; ses?: number; s3?: number };
  /** Run the outbox consumer on the table stream (default true) and a sweeper every `sweepEveryMs`. */
  outbox?: boolean;
  sweepEveryMs?: number;
  /** Run the local workflow engine (default true; infra/local/workflows.ts), polling its timers every `workflowTickMs`. */
  workflows?: boolean;
  workflowTickMs?: number;
  /** Run the account's device projection on the table stream (default true; functions/account/project-shipped-devices.ts). */
  projections?: boolean;
  /** Called as each stand-in becomes ready (for progress output). */
  onReady?: (what: string, ms: number) => void;
}

export interface LocalStack {
  endpoints: { dynamodb: string; cognito: string; ses: string; s3: string; mailbox: string };
  userPool: UserPoolInfo;
  tableName: string;
  bucket: string;
  streamArn: string;
  /** The env vars the handlers read; already applied to process.env. */
  env: Record<string, string>;
  /** Records the stream gave up on (the local on-failure destination). */
  failures: { record: DynamoDBRecord; error: string }[];
  stop(): Promise<void>;
}

/**
 * Starts every AWS stand-in, creates the table, user pool and bucket (idempotently), points this process's
 * AWS clients at them through env vars, and runs the outbox consumer on the table's stream exactly as the
 * event source mapping does in AWS. Used by `npm start` and by the test suite's global setup.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  await mkdir(opts.dataDir, { recursive: true });
  const started: StandIn[] = [];
  const timed = async (what: string, fn: () => Promise<StandIn>) => {
    const t0 = performance.now();
    const s = await fn();
    started.push(s);
    opts.onReady?.(what, Math.round(performance.now() - t0));
    return s;
  };
  try {
    // The JVM is the slow one: start it first and the others while it boots.
    const dynamoP = timed('DynamoDB Local', () =>
      startDynamoDbLocal({ port: opts.ports?.dynamodb, dbPath: opts.inMemory ? undefined : join(opts.dataDir, 'dynamodb') }),
    );
    const [dynamo, cognito, ses, s3] = await Promise.all([
      dynamoP,
      timed('cognito-local', () => startCognitoLocal({ port: opts.ports?.cognito, dataDir: join(opts.dataDir, 'cognito') })),
      timed('SES stand-in', () => startSesLocal({ port: opts.ports?.ses })),
      timed('S3 stand-in', () => startS3Local({ port: opts.ports?.s3, dir: join(opts.dataDir, 's3') })),
    ]);
    const region = LOCAL_REGION;
    const [{ streamArn }, userPool] = await Promise.all([
      ensureTable({ endpoint: dynamo.endpoint, region, tableName: LOCAL_TABLE }),
      ensureUserPool({ endpoint: cognito.endpoint, region, poolName: 'portal-local', clientName: 'portal-spa', staffGroup: STAFF_GROUP }),
      ensureBucket({ endpoint: s3.endpoint, region, bucket: LOCAL_BUCKET }),
    ]);

    const env: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      [ENV.stage]: 'local',
      [ENV.tableName]: LOCAL_TABLE,
      [ENV.dynamodbEndpoint]: dynamo.endpoint,
      [ENV.dynamodbStreamsEndpoint]: dynamo.endpoint,
      [ENV.cognitoEndpoint]: cognito.endpoint,
      [ENV.sesEndpoint]: ses.endpoint,
      [ENV.s3Endpoint]: s3.endpoint,
      [ENV.userPoolId]: userPool.userPoolId,
      [ENV.userPoolClientId]: userPool.clientId,
      [ENV.staffGroup]: STAFF_GROUP,
      [ENV.mailFrom]: LOCAL_MAIL_FROM,
      [ENV.reviewTeamEmail]: 'reviews@portal.local',
      [ENV.bucketName]: LOCAL_BUCKET,
      [ENV.sealKey]: await sealKey(opts.dataDir, opts.inMemory === true),
      [ENV.cursorSecret]: await localSecret(opts.dataDir, 'cursor.key', opts.inMemory === true),
      [ENV.localWorkflows]: '1',
      [ENV.portalUrl]: process.env[ENV.portalUrl] ?? 'http://localhost:5173',
    };
    Object.assign(process.env, env);

    const failures: LocalStack['failures'] = [];
    const stops: (() => Promise<void>)[] = [];
    if (opts.outbox !== false) {
      // Imported only now: the handler's modules read their configuration from the env set above.
      const { handleOutboxStream } = await import('#functions/outbox/deliver.ts');
      const failureLog = join(opts.dataDir, 'outbox-failures.jsonl');
      const poller = startStreamPoller({
        endpoint: dynamo.endpoint,
        region,
        streamArn,
        handler: (event) => handleOutboxStream(event),
        retryAttempts: 5,
        startAt: 'TRIM_HORIZON',
        onFailure: async (record, error) => {
          const entry = { record, error: String(error) };
          failures.push(entry);
          await appendFile(failureLog, JSON.stringify({ at: new Date().toISOString(), eventID: record.eventID, error: entry.error }) + '\n');
        },
      });
      stops.push(() => poller.stop());
      if (opts.sweepEveryMs) {
        const { handler: sweep } = await import('#functions/outbox/sweep.ts');
        const timer = setInterval(() => void sweep().catch(() => undefined), opts.sweepEveryMs);
        timer.unref();
        stops.push(async () => clearInterval(timer));
      }
    }
    if (opts.workflows !== false) {
      // Checks its timers at once, so reviews that waited across a restart resume (and expire) on time.
      const { startLocalWorkflows } = await import('./workflows.ts');
      const engine = startLocalWorkflows({ everyMs: opts.workflowTickMs ?? 2000 });
      stops.push(() => engine.stop());
    }
    if (opts.projections !== false) {
      // The same event source mapping semantics as the outbox's; AWS filters the records, the handler does here.
      const { handleShipmentStream } = await import('#functions/account/project-shipped-devices.ts');
      const poller = startStreamPoller({
        endpoint: dynamo.endpoint,
        region,
        streamArn,
        handler: (event) => handleShipmentStream(event),
        retryAttempts: 5,
        startAt: 'TRIM_HORIZON',
        onFailure: (record, error) => void failures.push({ record, error: String(error) }),
      });
      stops.push(() => poller.stop());
    }

    return {
      endpoints: { dynamodb: dynamo.endpoint, cognito: cognito.endpoint, ses: ses.endpoint, s3: s3.endpoint, mailbox: ses.endpoint },
      userPool,
      tableName: LOCAL_TABLE,
      bucket: LOCAL_BUCKET,
      streamArn,
      env,
      failures,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
        await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
      },
    };
  } catch (e) {
    await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
    throw e;
  }
}

/** A per-data-dir random secret, kept across restarts so sealed outbox items and cursors stay readable. */
async function localSecret(dir: string, name: string, ephemeral: boolean): Promise<string> {
  if (ephemeral) return randomBytes(32).toString('base64');
  const file = join(dir, name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const key = randomBytes(32).toString('base64');
    await writeFile(file, key + '\n', { mode: 0o600 });
    return key;
  }
}

const sealKey = (dir: string, ephemeral: boolean) => localSecret(dir, 'seal.key', ephemeral);
