/**
 * Local emulation of the Lambda event source mapping for DynamoDB Streams, so the stream consumer handler
 * that runs in AWS runs unchanged against DynamoDB Local.
 *
 * Semantics mirrored from Lambda (ParallelizationFactor 1, ReportBatchItemFailures on):
 * - records reach the handler in Lambda's event shape, images kept as DynamoDB JSON (B/BS as base64);
 * - per shard, batches run strictly in order and one at a time; a child shard is read only after its parent
 *   has been drained, so per-item ordering survives shard splits;
 * - `batchItemFailures`: records before the lowest reported sequence number are done, the batch resumes at
 *   that record; every reported record counts one failed attempt; an identifier that is not in the batch
 *   fails the whole batch (as in Lambda);
 * - a thrown error fails the whole batch; with `bisectOnError` the batch is halved until the failing record
 *   is alone (halving does not count as a retry), otherwise the whole batch is retried as is;
 * - a record that failed `retryAttempts + 1` times goes to `onFailure` and is skipped, so a poison record
 *   never blocks its shard. `retryAttempts: -1` retries forever, as in Lambda.
 *
 * Deliberate simplifications: shards are served round-robin by one loop rather than concurrently (a slow
 * handler on one shard delays the others; ordering guarantees are unaffected), there is no batching window,
 * no MaximumRecordAgeInSeconds, and the on-failure destination gets the record itself rather than Lambda's
 * metadata-only pointer to it.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type {
  AttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  StreamRecord,
} from 'aws-lambda';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  endpoint: string;
  region: string;
  streamArn: string;
  handler: StreamHandler;
  batchSize?: number;
  /** Sleep after a round in which no shard returned records. */
  pollIntervalMs?: number;
  /** Retries of a failed record before it goes to onFailure; -1 retries forever. */
  retryAttempts?: number;
  bisectOnError?: boolean;
  /** The on-failure destination. Without it, discarded records are reported on stderr. */
  onFailure?: (record: DynamoDBRecord, lastError: unknown) => Promise<void> | void;
  /** Where to start in the shards that exist when the poller starts; shards that appear later are read from their start. */
  startAt?: 'LATEST' | 'TRIM_HORIZON';
}

export interface StreamPoller {
  /** Stops polling; waits for the batch in flight. */
  stop(): Promise<void>;
  /**
   * Resolves once every shard has been read to its current end (by a read that started after this call) and
   * no batch is in flight. Rejects after `timeoutMs` with what is still pending, so a stuck test says why.
   */
  idle(timeoutMs?: number): Promise<void>;
}

const SHARD_REFRESH_MS = 1_000;
const ERROR_BACKOFF_MS = 1_000;
const GET_RECORDS_LIMIT = 1_000;

interface PendingRecord {
  record: DynamoDBRecord;
  sequenceNumber: string;
}

interface ShardState {
  shardId: string;
  parentShardId: string | undefined;
  /** Initial iterator type when the shard starts being read. */
  startType: ShardIteratorType;
  started: boolean;
  iterator: string | undefined;
  /** Sequence number of the last record fetched; where to resume when the iterator expires. */
  lastFetched: string | undefined;
  /** GetRecords returned no next iterator: the shard is closed and fully fetched. */
  closed: boolean;
  /** Closed and every fetched record handled: children may start. */
  finished: boolean;
  buffer: PendingRecord[];
  batchLimit: number;
}

interface IdleWaiter {
  afterRound: number;
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

// ---------------------------------------------------------------------------------------------------------
// Record conversion: the SDK decodes the wire JSON (B as Uint8Array, dates as Date); Lambda hands the
// handler the wire JSON itself (B as base64, dates as epoch seconds).

function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  // The SDK decodes an empty map (`{"M":{}}` on the wire) to an empty union object: it is still a map.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`unsupported attribute value in stream record: ${JSON.stringify(value)}`);
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(image)) {
    try {
      out[name] = toLambdaValue(value);
    } catch (e) {
      throw new Error(`${(e as Error).message} (attribute ${name}: ${JSON.stringify(image).slice(0, 600)})`);
    }
  }
  return out;
}

export function toLambdaRecord(record: SdkRecord, region: string, streamArn: string): DynamoDBRecord {
  const source = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {};
  if (source.ApproximateCreationDateTime !== undefined) {
    dynamodb.ApproximateCreationDateTime = Math.floor(source.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (source.Keys !== undefined) dynamodb.Keys = toLambdaImage(source.Keys);
  if (source.NewImage !== undefined) dynamodb.NewImage = toLambdaImage(source.NewImage);
  if (source.OldImage !== undefined) dynamodb.OldImage = toLambdaImage(source.OldImage);
  if (source.SequenceNumber !== undefined) dynamodb.SequenceNumber = source.SequenceNumber;
  if (source.SizeBytes !== undefined) dynamodb.SizeBytes = source.SizeBytes;
  if (source.StreamViewType !== undefined) dynamodb.StreamViewType = source.StreamViewType;
  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    // DynamoDB Local reports "ddblocal"; handlers that log or branch on the region should see the real one
    awsRegion: region,
    dynamodb,
    eventSourceARN: streamArn,
  };
  // TTL deletions carry { type: 'Service', principalId: 'dynamodb.amazonaws.com' }
  if (record.userIdentity !== undefined) {
    out.userIdentity = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

type BatchOutcome =
  | { kind: 'success' }
  | { kind: 'partial'; firstFailedIndex: number; failedIndexes: Set<number> }
  | { kind: 'error'; error: unknown };

function classify(batch: PendingRecord[], result: DynamoDBBatchResponse | void): BatchOutcome {
  const failures = result?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return { kind: 'success' };
  const failedIndexes = new Set<number>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? batch.findIndex((p) => p.sequenceNumber === id) : -1;
    if (index < 0) {
      return {
        kind: 'error',
        error: new Error(`batchItemFailures names ${JSON.stringify(id)}, which is not a sequence number in the batch`),
      };
    }
    failedIndexes.add(index);
  }
  return { kind: 'partial', firstFailedIndex: Math.min(...failedIndexes), failedIndexes };
}

export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const {
    endpoint,
    region,
    streamArn,
    handler,
    batchSize = 25,
    pollIntervalMs = 100,
    retryAttempts = 3,
    bisectOnError = true,
    onFailure,
    startAt = 'LATEST',
  } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);

  const client = new DynamoDBStreamsClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  const shards = new Map<string, ShardState>();
  const failureCounts = new Map<string, { count: number; lastError: unknown }>();
  const waiters: IdleWaiter[] = [];
  let stopped = false;
  let firstRefresh = true;
  let refreshRequested = true;
  let lastRefreshAt = 0;
  let lastRefreshRound = 0;
  let round = 0;
  let lastWarning = '';
  let wake: (() => void) | undefined;

  const warn = (message: string) => {
    // one line per distinct problem, not one per poll while DynamoDB Local is down
    if (message === lastWarning) return;
    lastWarning = message;
    process.stderr.write(`[stream-poller] ${message}\n`);
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function refreshShards(): Promise<boolean> {
    const listed: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await client.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      listed.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);

    let changed = false;
    for (const shard of listed) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      changed = true;
      const closedAtStart = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const skip = firstRefresh && startAt === 'LATEST' && closedAtStart;
      shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        startType: firstRefresh ? startAt : 'TRIM_HORIZON',
        started: false,
        iterator: undefined,
        lastFetched: undefined,
        closed: skip,
        finished: skip,
        buffer: [],
        batchLimit: batchSize,
      });
    }
    // forget finished shards that DynamoDB has trimmed away, so the map does not grow forever
    const listedIds = new Set(listed.map((s) => s.ShardId));
    for (const [id, state] of shards) if (state.finished && !listedIds.has(id)) shards.delete(id);
    firstRefresh = false;
    return changed;
  }

  function eligible(shard: ShardState): boolean {
    if (shard.finished) return false;
    if (shard.parentShardId === undefined) return true;
    const parent = shards.get(shard.parentShardId);
    return parent === undefined || parent.finished;
  }

  async function acquireIterator(shard: ShardState): Promise<void> {
    const afterLast = shard.lastFetched !== undefined;
    const type: ShardIteratorType = afterLast ? 'AFTER_SEQUENCE_NUMBER' : shard.startType;
    const res = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.shardId,
        ShardIteratorType: type,
        SequenceNumber: afterLast ? shard.lastFetched : undefined,
      }),
    );
    shard.iterator = res.ShardIterator;
    shard.started = true;
    if (shard.iterator === undefined) shard.closed = true;
  }

  /** Returns how many records were fetched. */
  async function fetch(shard: ShardState): Promise<number> {
    if (!shard.started || shard.iterator === undefined) await acquireIterator(shard);
    if (shard.iterator === undefined) return 0;
    let res;
    try {
      res = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: GET_RECORDS_LIMIT }));
    } catch (err) {
      if (err instanceof ExpiredIteratorException) {
        shard.iterator = undefined;
        return 0;
      }
      if (err instanceof TrimmedDataAccessException) {
        // the records we were about to read are gone; carry on from the oldest that still exist
        shard.iterator = undefined;
        shard.lastFetched = undefined;
        shard.startType = 'TRIM_HORIZON';
        warn(`shard ${shard.shardId}: records were trimmed before they could be read`);
        return 0;
      }
      throw err;
    }
    const records = res.Records ?? [];
    for (const raw of records) {
      const sequenceNumber = raw.dynamodb?.SequenceNumber;
      if (sequenceNumber === undefined) continue;
      shard.buffer.push({ record: toLambdaRecord(raw, region, streamArn), sequenceNumber });
      shard.lastFetched = sequenceNumber;
    }
    shard.iterator = res.NextShardIterator;
    if (shard.iterator === undefined) shard.closed = true;
    return records.length;
  }

  async function discard(pending: PendingRecord, lastError: unknown): Promise<void> {
    failureCounts.delete(pending.sequenceNumber);
    if (onFailure === undefined) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      warn(`discarding record ${pending.sequenceNumber} (${pending.record.eventName}) after ${retryAttempts + 1} failed attempt(s): ${reason}`);
      return;
    }
    try {
      await onFailure(structuredClone(pending.record), lastError);
    } catch (err) {
      warn(`onFailure threw for record ${pending.sequenceNumber}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Counts a failure; true when the record has used up its attempts. */
  function recordFailure(pending: PendingRecord, error: unknown): boolean {
    const entry = failureCounts.get(pending.sequenceNumber) ?? { count: 0, lastError: undefined };
    entry.count += 1;
    entry.lastError = error;
    failureCounts.set(pending.sequenceNumber, entry);
    return retryAttempts >= 0 && entry.count > retryAttempts;
  }

  function markDone(done: PendingRecord[]): void {
    for (const p of done) failureCounts.delete(p.sequenceNumber);
  }

  /** Returns true when a record in the batch has now failed more than once and is still being retried. */
  async function processBatch(shard: ShardState): Promise<boolean> {
    const batch = shard.buffer.slice(0, shard.batchLimit);
    let outcome: BatchOutcome;
    try {
      // a fresh copy per attempt: a handler that mutates its event must not change what a retry sees
      const result = await handler({ Records: batch.map((p) => structuredClone(p.record)) });
      outcome = classify(batch, result);
    } catch (error) {
      outcome = { kind: 'error', error };
    }

    if (outcome.kind === 'success') {
      markDone(shard.buffer.splice(0, batch.length));
      shard.batchLimit = batchSize;
      return false;
    }

    if (outcome.kind === 'partial') {
      shard.batchLimit = batchSize;
      const exhausted = new Map<PendingRecord, Error>();
      for (const index of outcome.failedIndexes) {
        const failed = batch[index];
        if (failed === undefined) continue;
        const error = new Error(`record ${failed.sequenceNumber} was reported in batchItemFailures`);
        if (recordFailure(failed, error)) exhausted.set(failed, error);
      }
      markDone(shard.buffer.splice(0, outcome.firstFailedIndex));
      // the rest of the batch is redelivered from the first failure on, minus records out of attempts
      shard.buffer = shard.buffer.filter((p) => !exhausted.has(p));
      for (const [pending, error] of exhausted) await discard(pending, error);
      return failingRepeatedly(shard);
    }

    if (bisectOnError && batch.length > 1) {
      shard.batchLimit = Math.ceil(batch.length / 2);
      return false;
    }
    // without bisecting, the batch is retried whole and, once out of attempts, discarded whole (as in Lambda)
    let exhausted = 0;
    for (const pending of batch) if (recordFailure(pending, outcome.error)) exhausted += 1;
    if (exhausted === 0) return failingRepeatedly(shard);
    const dropped = shard.buffer.splice(0, batch.length);
    for (const pending of dropped) await discard(pending, outcome.error);
    shard.batchLimit = batchSize;
    return false;
  }

  function failingRepeatedly(shard: ShardState): boolean {
    const head = shard.buffer[0];
    return head !== undefined && (failureCounts.get(head.sequenceNumber)?.count ?? 0) >= 2;
  }

  function settleWaiters(quietRound: number): void {
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const waiter = waiters[i];
      if (waiter === undefined) continue;
      if (quietRound > waiter.afterRound && lastRefreshRound > waiter.afterRound) {
        waiters.splice(i, 1);
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    }
  }

  /** One pass over all shards. Returns whether anything happened (so the caller knows not to sleep). */
  async function runRound(): Promise<{ busy: boolean; quiet: boolean; backOff: boolean }> {
    round += 1;
    let busy = false;
    let quiet = true;
    let backOff = false;
    if (refreshRequested || Date.now() - lastRefreshAt >= SHARD_REFRESH_MS) {
      refreshRequested = false;
      if (await refreshShards()) quiet = false;
      lastRefreshAt = Date.now();
      lastRefreshRound = round;
    }
    for (const shard of shards.values()) {
      if (stopped) break;
      if (!eligible(shard)) continue;
      if (shard.buffer.length === 0 && !shard.closed) {
        if ((await fetch(shard)) > 0) {
          busy = true;
          quiet = false;
        }
      }
      if (shard.buffer.length > 0) {
        busy = true;
        quiet = false;
        if (await processBatch(shard)) backOff = true;
      }
      if (shard.closed && shard.buffer.length === 0 && !shard.finished) {
        shard.finished = true;
        // its children may start now, and there may be new ones to discover
        refreshRequested = true;
        busy = true;
        quiet = false;
      }
    }
    return { busy, quiet, backOff };
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let sleepMs = pollIntervalMs;
      try {
        const { busy, quiet, backOff } = await runRound();
        lastWarning = '';
        if (quiet) settleWaiters(round);
        // a record failing again and again is retried at the poll pace, not as fast as the CPU allows
        if (busy && !backOff) sleepMs = 0;
      } catch (err) {
        warn(`polling ${streamArn} failed: ${err instanceof Error ? err.message : String(err)}`);
        sleepMs = Math.max(pollIntervalMs, ERROR_BACKOFF_MS);
      }
      if (stopped) break;
      // an in-memory handler resolves in microtasks only; without this, timers and stop() would starve
      if (sleepMs > 0) await pause(sleepMs);
      else await yieldToEventLoop();
    }
  }

  const running = loop();

  function describePending(): string {
    const parts: string[] = [];
    for (const s of shards.values()) {
      if (s.finished) continue;
      parts.push(`${s.shardId}: ${s.buffer.length} buffered${s.started ? '' : ', not started'}${eligible(s) ? '' : ', waiting for parent'}`);
    }
    const state = parts.length > 0 ? parts.join('; ') : 'no open shards';
    return lastWarning === '' ? state : `${state}; last problem: ${lastWarning}`;
  }

  return {
    idle(timeoutMs = 30_000) {
      if (stopped) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter: IdleWaiter = {
          afterRound: round,
          resolve,
          reject,
          timer: setTimeout(() => {
            const index = waiters.indexOf(waiter);
            if (index >= 0) waiters.splice(index, 1);
            reject(new Error(`stream poller not idle after ${timeoutMs} ms (${describePending()})`));
          }, timeoutMs),
        };
        waiters.push(waiter);
        // new shards created before this call must be seen before we can claim to be idle
        refreshRequested = true;
        wake?.();
      });
    },
    async stop() {
      if (stopped) return running;
      stopped = true;
      wake?.();
      await running;
      client.destroy();
      for (const waiter of waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    },
  };
}
