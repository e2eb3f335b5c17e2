import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { getItem, putItem } from '#shared/adapters/dynamodb/commands.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { localReviewWorkflow } from '#shared/adapters/sfn/local-workflow.ts';
import type { WorkflowDefinition } from '#shared/domain/reviews/workflow.ts';
import { type LocalWorkflows, startLocalWorkflows, workflowExecutionItem } from '#infra/local/workflows.ts';

/**
 * The local workflow engine on its own, with a probe workflow of the same shape as the review workflow (a
 * task, a wait for a token with a timeout, two endings) and recorded steps. Engines that do not know the
 * probe (the test stack's) leave its executions alone.
 */
const PROBE: WorkflowDefinition = {
  name: `probe-${randomUUID().slice(0, 8)}`,
  startAt: 'First',
  states: {
    First: { type: 'task', step: 'probeFirst', input: ['reviewId'], result: { path: 'timing', fields: ['waitSeconds'] }, next: 'Wait' },
    Wait: { type: 'awaitToken', step: 'probeWait', input: ['reviewId'], timeoutSecondsPath: 'timing.waitSeconds', next: 'Done', onTimeout: 'TimedOut' },
    Done: { type: 'task', step: 'probeDone', input: ['reviewId'], end: true },
    TimedOut: { type: 'task', step: 'probeTimedOut', input: ['reviewId'], end: true },
  },
};

interface Recorder {
  calls: { step: string; event: Record<string, unknown> }[];
  failing: Set<string>;
  invoke: (step: string, event: Record<string, unknown>) => Promise<unknown>;
}

function recorder(): Recorder {
  const r: Recorder = {
    calls: [],
    failing: new Set(),
    invoke: async (step, event) => {
      r.calls.push({ step, event });
      await new Promise((res) => setTimeout(res, 20));
      if (r.failing.has(step)) throw new Error(`${step} is broken`);
      return step === 'probeFirst' ? { waitSeconds: 3600 } : {};
    },
  };
  return r;
}

const engines: LocalWorkflows[] = [];
const engine = (r: Recorder, attempts = 3) => {
  const e = startLocalWorkflows({ definitions: [PROBE], invoke: r.invoke, everyMs: 60_000, attempts });
  engines.push(e);
  return e;
};
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

/** What the local adapter's `start` writes, for the probe workflow. */
async function startProbe(): Promise<string> {
  const executionId = `probe_${randomUUID().replace(/-/g, '')}`;
  const now = new Date().toISOString();
  await putItem(
    workflowExecutionItem({
      executionId,
      machine: PROBE.name,
      input: { reviewId: executionId },
      data: { reviewId: executionId },
      state: PROBE.startAt,
      phase: 'ready',
      dueAt: now,
      history: [],
      startedAt: now,
      updatedAt: now,
    }),
  );
  return executionId;
}

/** The stored item, keys included (a finished execution must have left the WORKFLOW#DUE index). */
const execution = (executionId: string) => getItem(keys.workflowExecution(executionId));
const steps = (r: Recorder) => r.calls.map((c) => c.step);
const tokenOf = (r: Recorder) => r.calls.find((c) => c.step === 'probeWait')?.event.taskToken as string;

describe('the local workflow engine', () => {
  it('runs the task, then waits for a token with the timeout the task returned', async () => {
    const r = recorder();
    const id = await startProbe();
    const before = Date.now();
    await engine(r).tick({ executionIds: [id] });
    expect(steps(r)).toEqual(['probeFirst', 'probeWait']);
    expect(r.calls[0]?.event).toEqual({ reviewId: id, enteredAt: expect.any(String) });
    expect(tokenOf(r)).toMatch(new RegExp(`^${id}\\.[A-Za-z0-9_-]{32}$`));
    const item = await execution(id);
    expect(item).toMatchObject({ state: 'Wait', phase: 'waiting', taskToken: tokenOf(r), data: { timing: { waitSeconds: 3600 } } });
    expect(Date.parse(item?.dueAt as string) - before).toBeGreaterThanOrEqual(3600_000 - 1000);
  });

  it('resumes a waiting execution on its decision after a restart (a new engine, the old one stopped)', async () => {
    const r = recorder();
    const id = await startProbe();
    const first = engine(r);
    await first.tick({ executionIds: [id] });
    await first.stop();

    await localReviewWorkflow().sendDecision(tokenOf(r), { decision: 'approve' });
    expect((await execution(id))?.phase).toBe('completed');

    const second = engine(r);
    await second.tick({ executionIds: [id] });
    expect(steps(r)).toEqual(['probeFirst', 'probeWait', 'probeDone']);
    const done = await execution(id);
    expect(done).toMatchObject({ phase: 'succeeded', state: 'Done' });
    expect(done?.gsi2pk).toBeUndefined();
    expect(done?.taskToken).toBeUndefined();
  });

  it('fires a timer that came due while no engine ran, and ignores a decision that comes after it', async () => {
    const r = recorder();
    const id = await startProbe();
    const first = engine(r);
    await first.tick({ executionIds: [id] });
    await first.stop();

    const second = engine(r);
    expect(await second.tick({ now: new Date(Date.now() + 3599_000), executionIds: [id] })).toBe(0);
    expect(await second.tick({ now: new Date(Date.now() + 3601_000), executionIds: [id] })).toBe(1);
    expect(steps(r)).toEqual(['probeFirst', 'probeWait', 'probeTimedOut']);
    await expect(localReviewWorkflow().sendDecision(tokenOf(r), { decision: 'approve' })).resolves.toBeUndefined();
    expect(await execution(id)).toMatchObject({ phase: 'succeeded', state: 'TimedOut' });
  });

  it('runs each step once when two engines advance the same execution at the same time', async () => {
    const r = recorder();
    const id = await startProbe();
    await Promise.all([engine(r).tick({ executionIds: [id] }), engine(r).tick({ executionIds: [id] })]);
    expect(steps(r)).toEqual(['probeFirst', 'probeWait']);
  });

  it('fails an execution whose step keeps failing, after the configured attempts, and stops timing it', async () => {
    const r = recorder();
    r.failing.add('probeFirst');
    const id = await startProbe();
    await engine(r, 2).tick({ executionIds: [id] });
    expect(steps(r)).toEqual(['probeFirst', 'probeFirst']);
    const failed = await execution(id);
    expect(failed).toMatchObject({ phase: 'failed', error: expect.stringContaining('probeFirst is broken') });
    expect(failed?.gsi2pk).toBeUndefined();
  });

  it('ignores a decision for an unknown or malformed token', async () => {
    await expect(localReviewWorkflow().sendDecision('probe_nope.abc', { decision: 'approve' })).resolves.toBeUndefined();
    await expect(localReviewWorkflow().sendDecision('garbage', { decision: 'approve' })).resolves.toBeUndefined();
  });
});
