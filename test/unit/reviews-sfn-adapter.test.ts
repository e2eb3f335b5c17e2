import { afterEach, describe, expect, it } from 'vitest';
import { executionOfToken } from '#shared/adapters/sfn/local-workflow.ts';
import { STEP_FUNCTIONS, reviewWorkflow, sfnReviewWorkflow } from '#shared/adapters/sfn/review-workflow.ts';
import { StepEventError, stepEvent } from '#shared/adapters/sfn/step-event.ts';
import { ConfigError, ENV } from '#shared/config/env.ts';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import { REVIEW_WORKFLOW, stepsOf } from '#shared/domain/reviews/workflow.ts';

const ARN = 'arn:aws:states:eu-west-3:123456789012:stateMachine:portal-dev-reviews';
const INPUT = { reviewId: 'rev_01jabcdefghjkmnpqrstvwxyz0', remindAt: '2026-03-10T10:00:00.000Z', expiresAt: '2026-03-20T10:00:00.000Z' };

/** A stand-in for the signed JSON call: records the calls, answers with `reply` (or throws an error of that name). */
function fakeClient(reply: (action: string) => Record<string, unknown>) {
  const sent: { svc: unknown; action: string; input: unknown }[] = [];
  return {
    sent,
    call: async (svc: unknown, action: string, input: unknown) => {
      sent.push({ svc, action, input });
      return reply(action);
    },
  };
}
const named = (name: string) => Object.assign(new Error(name), { name });

describe('the Step Functions adapter of the review workflow', () => {
  it('starts an execution named after the review with the execution input', async () => {
    const client = fakeClient(() => ({ executionArn: `${ARN.replace('stateMachine', 'execution')}:${INPUT.reviewId}` }));
    const out = await sfnReviewWorkflow(ARN, client.call).start(INPUT);
    expect(client.sent).toEqual([{ svc: STEP_FUNCTIONS, action: 'StartExecution', input: { stateMachineArn: ARN, name: INPUT.reviewId, input: JSON.stringify(INPUT) } }]);
    expect(STEP_FUNCTIONS).toMatchObject({ service: 'states', targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0' });
    expect(out.executionId).toBe(`arn:aws:states:eu-west-3:123456789012:execution:portal-dev-reviews:${INPUT.reviewId}`);
  });

  it('treats an execution that exists already as started (start is idempotent per review)', async () => {
    const client = fakeClient(() => {
      throw named('ExecutionAlreadyExists');
    });
    expect((await sfnReviewWorkflow(ARN, client.call).start(INPUT)).executionId).toBe(`arn:aws:states:eu-west-3:123456789012:execution:portal-dev-reviews:${INPUT.reviewId}`);
  });

  it('passes on any other start failure', async () => {
    const client = fakeClient(() => {
      throw named('StateMachineDoesNotExist');
    });
    await expect(sfnReviewWorkflow(ARN, client.call).start(INPUT)).rejects.toThrow('StateMachineDoesNotExist');
  });

  it('completes the waiting task with the decision as output', async () => {
    const client = fakeClient(() => ({}));
    await sfnReviewWorkflow(ARN, client.call).sendDecision('token-1', { decision: 'approve' });
    expect(client.sent).toEqual([{ svc: STEP_FUNCTIONS, action: 'SendTaskSuccess', input: { taskToken: 'token-1', output: '{"decision":"approve"}' } }]);
  });

  it.each(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'])('ignores a stale token (%s): the decision is on the review', async (name) => {
    const client = fakeClient(() => {
      throw named(name);
    });
    await expect(sfnReviewWorkflow(ARN, client.call).sendDecision('token-1', { decision: 'reject' })).resolves.toBeUndefined();
  });

  it('passes on other failures to complete a task', async () => {
    const client = fakeClient(() => {
      throw named('ThrottlingException');
    });
    await expect(sfnReviewWorkflow(ARN, client.call).sendDecision('token-1', { decision: 'reject' })).rejects.toThrow('ThrottlingException');
  });
});

describe('the step events', () => {
  it('accepts the payload a Task state sends', () => {
    expect(stepEvent({ reviewId: 'rev_abc', enteredAt: '2026-03-06T10:00:05.123Z' }, { reviewId: 'id', enteredAt: 'datetime' })).toEqual({
      reviewId: 'rev_abc',
      enteredAt: '2026-03-06T10:00:05.123Z',
    });
  });

  it.each([
    ['not an object', 'x'],
    ['a missing field', { reviewId: 'rev_abc' }],
    ['an unexpected field', { reviewId: 'rev_abc', enteredAt: '2026-03-06T10:00:05Z', orgId: 'org_x' }],
    ['a malformed id', { reviewId: 'rev abc', enteredAt: '2026-03-06T10:00:05Z' }],
    ['a malformed time', { reviewId: 'rev_abc', enteredAt: 'yesterday' }],
  ])('refuses %s', (_name, event) => {
    expect(() => stepEvent(event, { reviewId: 'id', enteredAt: 'datetime' })).toThrow(StepEventError);
  });

  it('never puts a task token in its error', () => {
    const secret = 'x'.repeat(5000);
    const error = (() => {
      try {
        stepEvent({ reviewId: 'rev_abc', taskToken: secret }, { reviewId: 'id', taskToken: 'token' });
        return undefined;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(StepEventError);
    expect(error?.message).toContain('taskToken');
    expect(error?.message).not.toContain('xxxx');
  });
});

describe('choosing the workflow adapter', () => {
  const saved = { arn: process.env[ENV.reviewStateMachineArn], local: process.env[ENV.localWorkflows] };
  afterEach(() => {
    for (const [k, v] of [
      [ENV.reviewStateMachineArn, saved.arn],
      [ENV.localWorkflows, saved.local],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('fails at wiring time when neither the state machine ARN nor the local flag is set', () => {
    delete process.env[ENV.reviewStateMachineArn];
    delete process.env[ENV.localWorkflows];
    expect(() => reviewWorkflow()).toThrow(ConfigError);
  });
});

describe('the review workflow definition', () => {
  it('runs only step functions registered as workflow functions, and every one of them', () => {
    const registered = backgroundFunctions.filter((f) => f.trigger === 'workflow').map((f) => f.id).sort();
    expect(stepsOf(REVIEW_WORKFLOW).sort()).toEqual(registered);
  });

  it('reaches every state from the start, ends in ApplyDecision or ExpireReview, and names only existing states', () => {
    const states = REVIEW_WORKFLOW.states as Record<string, { next?: string; onTimeout?: string; end?: true }>;
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      expect(states[name], name).toBeDefined();
      seen.add(name);
      const s = states[name] as { next?: string; onTimeout?: string };
      for (const n of [s.next, s.onTimeout]) if (n) visit(n);
    };
    visit(REVIEW_WORKFLOW.startAt);
    expect([...seen].sort()).toEqual(Object.keys(states).sort());
    expect(Object.entries(states).filter(([, s]) => s.end).map(([n]) => n).sort()).toEqual(['ApplyDecision', 'ExpireReview']);
  });

  it('reads each wait timeout from a field an earlier step writes', () => {
    expect(REVIEW_WORKFLOW.states.AwaitDecision.timeoutSecondsPath).toBe(`${REVIEW_WORKFLOW.states.NotifyReviewers.result.path}.remindInSeconds`);
    expect(REVIEW_WORKFLOW.states.AwaitDecisionAfterReminder.timeoutSecondsPath).toBe(`${REVIEW_WORKFLOW.states.RemindReviewers.result.path}.expireInSeconds`);
  });

  it('finds the execution of a local task token, and none in a malformed one', () => {
    expect(executionOfToken('rev_abc.Zm9v')).toBe('rev_abc');
    expect(executionOfToken('no-dot')).toBe('');
  });
});
