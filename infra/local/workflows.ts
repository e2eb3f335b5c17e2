/**
 * The local workflow engine: what Step Functions does for the review workflow in AWS, for `npm start` and the
 * tests (no Step Functions emulator supports task tokens on Node 20).
 *
 * It interprets the same workflow definition CDK turns into ASL (shared/domain/reviews/workflow.ts) and
 * runs the same step handler modules (functions/reviews/*, found through the function registry) in the
 * same order. Executions live in DynamoDB (WORKFLOW#<id> items, below): the local adapter of the workflow port
 * writes new executions and completed tasks there, and this engine advances whatever is due, found through
 * the WORKFLOW#DUE index: immediately when a handler of this process signals new work, and every `everyMs`
 * (and once at start) for the rest: timers (the reminder after 2 business days, the expiry after 14 days)
 * and work written by another process. A review waiting across a restart of `npm start` therefore still
 * resumes on its decision and still expires.
 *
 * Several engines may poll one table (the test stack's and a test worker's): each execution is advanced
 * under a lease (a conditional write), so a step runs once at a time.
 *
 * What it does not do: evaluate ASL. Retry is a fixed number of attempts per step, Catch is only the
 * timeout transition of a wait; the real Retry/Catch/TimeoutSecondsPath semantics only run in AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { ET, Expr, type Item, getItem, isConditionFailure, query, strip, updateItem } from '#shared/adapters/dynamodb/commands.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { GSIS } from '#shared/adapters/dynamodb/table-def.ts';
import { WORKFLOW_EXECUTION_TYPE, onLocalWorkflowWork } from '#shared/adapters/sfn/local-workflow.ts';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import { REVIEW_WORKFLOW, type WorkflowDefinition } from '#shared/domain/reviews/workflow.ts';
import { logger } from '#shared/lib/logger.ts';
import { defaultLoadHandler } from './server.ts';

/**
 * WORKFLOW#<executionId> / EXECUTION: one execution of the local engine (in AWS, Step Functions keeps this
 * state). The local adapter (shared/adapters/sfn/local-workflow.ts) creates them and completes their tasks
 * with plain writes of the same attributes. `phase` says what the execution waits for:
 * - `ready`: run `state` now;
 * - `waiting`: `state` waits for `taskToken`, until `dueAt` (then its timeout fires);
 * - `completed`: the token was completed with `output`; move to the state's `next`;
 * - `succeeded` / `failed`: ended.
 * While something is due, the item is in gsi2 WORKFLOW#DUE sorted by `<dueAt>#<executionId>`: the timer
 * loop queries that partition up to "now" (the items are its timers, so they survive a restart).
 * `leaseOwner`/`leaseUntil`: the engine instance advancing it (several may poll one table).
 */
export interface Execution {
  executionId: string;
  machine: string;
  input: unknown;
  data: unknown;
  state: string;
  phase: 'ready' | 'waiting' | 'completed' | 'succeeded' | 'failed';
  taskToken?: string;
  output?: unknown;
  dueAt?: string;
  leaseOwner?: string;
  leaseUntil?: string;
  error?: string;
  history: unknown;
  startedAt: string;
  updatedAt: string;
}

/** The stored item of an execution (what the local adapter's `start` writes; `dueAt` puts it in WORKFLOW#DUE). */
export function workflowExecutionItem(e: Execution): Item {
  return { ...keys.workflowExecution(e.executionId), [ET]: WORKFLOW_EXECUTION_TYPE, ...e, ...(e.dueAt ? keys.workflowDue(e.dueAt, e.executionId) : {}) };
}

/** An execution by id (strongly consistent), undefined if there is none. */
export async function getExecution(executionId: string): Promise<Execution | undefined> {
  const item = await getItem(keys.workflowExecution(executionId));
  return item ? strip<Execution>(item) : undefined;
}

type StepHandler = (event: Record<string, unknown>, context: Context) => Promise<unknown>;

export interface LocalWorkflowsOptions {
  /** Period of the timer loop. @default 2000 ms */
  everyMs?: number;
  /** Attempts of a failing step before its execution fails. @default 3 */
  attempts?: number;
  /** @default the review workflow */
  definitions?: readonly WorkflowDefinition[];
  /** Runs a step function by FunctionSpec id. @default imports `functions/<handler>.ts` and calls `handler` */
  invoke?: (stepId: string, event: Record<string, unknown>) => Promise<unknown>;
}

export interface LocalWorkflows {
  /**
   * Advances every execution due at `now` (or only `executionIds`) as far as it goes, and resolves when
   * done with the number of executions it advanced. A `now` in the future fires timers early (tests).
   */
  tick(opts?: { now?: Date; executionIds?: readonly string[] }): Promise<number>;
  stop(): Promise<void>;
}

const LEASE_MS = 60_000;
const MAX_TRANSITIONS_PER_RUN = 20;
const HISTORY_LIMIT = 50;

export function startLocalWorkflows(opts: LocalWorkflowsOptions = {}): LocalWorkflows {
  const owner = `engine-${randomUUID()}`;
  const attempts = opts.attempts ?? 3;
  const definitions = new Map<string, WorkflowDefinition>((opts.definitions ?? [REVIEW_WORKFLOW]).map((d) => [d.name, d]));
  const invoke = opts.invoke ?? defaultInvoke();
  let running: Promise<unknown> = Promise.resolve();
  let pending = false;
  let stopped = false;

  /** Ticks one after the other; a signal during a tick asks for one more. */
  function schedule(tickOpts?: Parameters<LocalWorkflows['tick']>[0]): Promise<number> {
    const next = running.then(() => (stopped ? 0 : runTick(tickOpts)));
    running = next.catch((e) => logger.error('local workflow tick failed', { error: e as Error }));
    return next;
  }

  const unsubscribe = onLocalWorkflowWork(() => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      void schedule();
    });
  });
  const timer = setInterval(() => void schedule(), opts.everyMs ?? 2000);
  timer.unref();
  void schedule();

  async function runTick(tickOpts: Parameters<LocalWorkflows['tick']>[0] = {}): Promise<number> {
    const now = tickOpts.now ?? new Date();
    const due = tickOpts.executionIds ? await dueAmong(tickOpts.executionIds, now) : await dueAt(now);
    let advanced = 0;
    for (const executionId of due) if (await advance(executionId, now)) advanced++;
    return advanced;
  }

  /** The due executions: up to 10 pages of WORKFLOW#DUE up to `now`, executions only. */
  async function dueAt(now: Date): Promise<string[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await query({
        IndexName: 'gsi2',
        KeyConditionExpression: '#pk = :pk AND #sk <= :until',
        FilterExpression: '#et = :et',
        ExpressionAttributeNames: { '#pk': GSIS.gsi2.partitionKey, '#sk': GSIS.gsi2.sortKey, '#et': ET },
        ExpressionAttributeValues: { ':pk': keys.workflowDuePartition, ':until': `${now.toISOString()}#~`, ':et': WORKFLOW_EXECUTION_TYPE },
        ExclusiveStartKey: startKey,
      });
      items.push(...out.Items);
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    // Executions of workflows this engine does not know belong to another engine (another definition set).
    return items.filter((i) => definitions.has(i.machine as string)).map((i) => i.executionId as string);
  }

  async function dueAmong(ids: readonly string[], now: Date): Promise<string[]> {
    const found = await Promise.all(ids.map(getExecution));
    return found.filter((e): e is Execution => !!e && definitions.has(e.machine) && isDue(e, now)).map((e) => e.executionId);
  }

  const isDue = (e: Execution, now: Date) =>
    (e.phase === 'ready' || e.phase === 'waiting' || e.phase === 'completed') && e.dueAt !== undefined && e.dueAt <= now.toISOString();

  /** Takes the lease (real time, whatever `now` a test passes) and runs the execution until it waits or ends. */
  async function advance(executionId: string, now: Date): Promise<boolean> {
    const key = keys.workflowExecution(executionId);
    const lease = new Expr().set({ leaseOwner: owner, leaseUntil: new Date(Date.now() + LEASE_MS).toISOString() }).exists('executionId');
    lease.when(`attribute_not_exists(${lease.name('leaseOwner')}) OR ${lease.name('leaseUntil')} < ${lease.value(new Date().toISOString())}`);
    let item: Execution;
    try {
      item = strip<Execution>((await updateItem(key, lease, true)) ?? {});
    } catch (e) {
      if (isConditionFailure(e)) return false; // another engine has it
      throw e;
    }
    try {
      await drive(item, now);
      return true;
    } finally {
      await updateItem(key, new Expr().remove('leaseOwner', 'leaseUntil').equals('leaseOwner', owner)).catch(() => undefined);
    }
  }

  async function drive(start: Execution, now: Date) {
    let item = start;
    const nowIso = now.toISOString();
    for (let i = 0; i < MAX_TRANSITIONS_PER_RUN && isDue(item, now); i++) {
      const def = definitions.get(item.machine);
      const state = def?.states[item.state];
      if (!def || !state) {
        item = await fail(item, `States.Runtime: no state ${item.state} in workflow ${item.machine}`, nowIso);
        continue;
      }
      if (item.phase === 'waiting') {
        // The wait's timer fired before its token was completed (ASL: Catch States.Timeout).
        if (state.type !== 'awaitToken') throw new Error(`execution ${item.executionId} waits in Task state ${item.state}`);
        item = (await persist(item, { state: state.onTimeout, phase: 'ready', dueAt: nowIso, taskToken: undefined }, nowIso, 'TaskTimedOut', { phase: 'waiting', taskToken: item.taskToken })) ?? (await reread(item));
        continue;
      }
      if (item.phase === 'completed') {
        if (state.type !== 'awaitToken') throw new Error(`execution ${item.executionId} completed a token in Task state ${item.state}`);
        item = (await persist(item, { state: state.next, phase: 'ready', dueAt: nowIso, taskToken: undefined }, nowIso, 'TaskSucceeded', { phase: 'completed' })) ?? (await reread(item));
        continue;
      }
      // phase 'ready': run the state.
      const data = (item.data ?? {}) as Record<string, unknown>;
      const input = Object.fromEntries(state.input.map((f) => [f, data[f]]));
      if (state.type === 'task') {
        let result: unknown;
        try {
          result = await runStep(state.step, { ...input, enteredAt: nowIso });
        } catch (e) {
          item = await fail(item, `${item.state}: ${(e as Error).message}`, nowIso);
          continue;
        }
        const nextData = state.result ? { ...data, [state.result.path]: pick(result, state.result.fields) } : data;
        const change = state.end ? { phase: 'succeeded' as const, dueAt: undefined } : { state: state.next as string, phase: 'ready' as const, dueAt: nowIso };
        item = (await persist(item, { ...change, data: nextData }, nowIso, state.end ? 'ExecutionSucceeded' : 'TaskSucceeded')) ?? (await reread(item));
        continue;
      }
      const seconds = Number(path(data, state.timeoutSecondsPath));
      if (!Number.isInteger(seconds) || seconds < 1) {
        item = await fail(item, `States.Runtime: ${state.timeoutSecondsPath} is not a positive whole number of seconds`, nowIso);
        continue;
      }
      const taskToken = `${item.executionId}.${randomBytes(24).toString('base64url')}`;
      const waiting = await persist(item, { phase: 'waiting', taskToken, dueAt: new Date(now.getTime() + seconds * 1000).toISOString() }, nowIso, 'TaskScheduled');
      if (!waiting) return;
      try {
        await runStep(state.step, { ...input, taskToken });
      } catch (e) {
        item = await fail(waiting, `${item.state}: ${(e as Error).message}`, nowIso);
        continue;
      }
      // The step may have completed its own token (a decision stored earlier), or a reviewer just did.
      item = await reread(waiting);
    }
  }

  async function runStep(stepId: string, event: Record<string, unknown>): Promise<unknown> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await invoke(stepId, event);
      } catch (e) {
        lastError = e;
        logger.warn('local workflow step failed', { stepId, attempt, error: e as Error });
        if (attempt < attempts) await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    throw lastError;
  }

  /**
   * Writes a transition while holding the lease (and, for the transitions out of a wait, only if the wait is
   * still as we read it). Undefined when that condition no longer holds.
   */
  async function persist(
    item: Execution,
    change: { state?: string; phase: Execution['phase']; dueAt: string | undefined; taskToken?: string | undefined; data?: unknown },
    at: string,
    event: string,
    expect?: { phase: Execution['phase']; taskToken?: string | undefined },
  ): Promise<Execution | undefined> {
    const history = [...((item.history as unknown[]) ?? []), { at, state: change.state ?? item.state, event }].slice(-HISTORY_LIMIT);
    const x = new Expr().set({ state: change.state || undefined, phase: change.phase, data: change.data, history, updatedAt: at });
    if ('taskToken' in change) {
      if (change.taskToken !== undefined) x.set({ taskToken: change.taskToken });
      else x.remove('taskToken');
    }
    if (change.phase === 'ready') x.remove('output');
    if (change.dueAt) x.set({ dueAt: change.dueAt, ...keys.workflowDue(change.dueAt, item.executionId) });
    else x.remove('dueAt', GSIS.gsi2.partitionKey, GSIS.gsi2.sortKey);
    x.equals('leaseOwner', owner);
    if (expect) x.equals('phase', expect.phase);
    if (expect?.taskToken) x.equals('taskToken', expect.taskToken);
    try {
      return strip<Execution>((await updateItem(keys.workflowExecution(item.executionId), x, true)) ?? {});
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async function reread(item: Execution): Promise<Execution> {
    const fresh = await getExecution(item.executionId);
    if (!fresh) throw new Error(`execution ${item.executionId} disappeared`);
    return fresh;
  }

  async function fail(item: Execution, error: string, at: string): Promise<Execution> {
    logger.error('local workflow execution failed', { executionId: item.executionId, state: item.state, error });
    const failed = await persist(item, { phase: 'failed', dueAt: undefined, taskToken: undefined }, at, 'ExecutionFailed');
    if (failed) {
      // Unconditional, as an upsert: the execution's keys and kind if it vanished meanwhile.
      const x = new Expr().set({ error: error.slice(0, 1000) }).setIfMissing({ [ET]: WORKFLOW_EXECUTION_TYPE, executionId: item.executionId });
      await updateItem(keys.workflowExecution(item.executionId), x);
    }
    return failed ?? (await reread(item));
  }

  return {
    tick: (tickOpts) => schedule(tickOpts),
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}

/** Runs a step the way Lambda would: the module `functions/<handler>.ts` of the FunctionSpec, its `handler`. */
function defaultInvoke() {
  const loaded = new Map<string, Promise<StepHandler>>();
  return async (stepId: string, event: Record<string, unknown>) => {
    const spec = backgroundFunctions.find((f) => f.id === stepId && f.trigger === 'workflow');
    if (!spec) throw new Error(`no workflow function ${stepId} in shared/contracts/functions.ts`);
    let handler = loaded.get(spec.handler);
    if (!handler) {
      handler = defaultLoadHandler(spec.handler) as unknown as Promise<StepHandler>;
      loaded.set(spec.handler, handler);
    }
    return (await handler)(event, lambdaContext(stepId));
  };
}

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const pick = (value: unknown, fields: readonly string[]) =>
  Object.fromEntries(fields.map((f) => [f, (value as Record<string, unknown> | undefined)?.[f]]));

const path = (data: Record<string, unknown>, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((cur, key) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined), data);
