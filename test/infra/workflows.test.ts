import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ENV } from '#shared/config/env.ts';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { REVIEW_WORKFLOW, type WorkflowDefinition } from '#shared/domain/reviews/workflow.ts';
import { stages } from '#infra/config/stages.ts';
import { type Located, bundleOf, loadTemplates, prop, refOf, resourceIn, resourcesOfType } from './assembly.ts';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (definition: unknown, opts?: { checkArn?: boolean; checkPaths?: boolean }) => {
  isValid: boolean;
  errorsText: (sep?: string) => string;
};

const templates = loadTemplates();
const ACCOUNT = '123456789012';
const definition: WorkflowDefinition = REVIEW_WORKFLOW;

/** CloudFormation's intrinsics in a definition or an env var, resolved the way a deployment would. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolve).join(sep);
  }
  if (v.Ref === 'AWS::Partition') return 'aws';
  if (v.Ref === 'AWS::Region') return stages.dev.region;
  if (v.Ref === 'AWS::AccountId') return ACCOUNT;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return `arn:aws:lambda:${stages.dev.region}:${ACCOUNT}:function:${getAtt[0]}`;
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

const machines = resourcesOfType(templates, 'AWS::StepFunctions::StateMachine');
const machine = machines[0] as Located;
const asl = JSON.parse(resolve(prop(machine.resource, 'DefinitionString'))) as {
  StartAt: string;
  States: Record<string, Record<string, any>>;
  TimeoutSeconds?: number;
};
const machineName = prop<string>(machine.resource, 'StateMachineName') as string;
const machineArn = `arn:aws:states:${stages.dev.region}:${ACCOUNT}:stateMachine:${machineName}`;

/** The handler module a Task state runs: its function's bundle entry point (functions/<context>/<action>.ts). */
function handlerOf(state: Record<string, any>): string {
  const fnArn = state.Parameters?.FunctionName as string;
  const logicalId = fnArn.split(':function:')[1] as string;
  return bundleOf(resourceIn(templates, machine.file, logicalId)).output.entryPoint as string;
}

const workflowSpecs = backgroundFunctions.filter((f) => f.trigger === 'workflow');
const specOf = (stepId: string) => workflowSpecs.find((f) => f.id === stepId);

describe('the review state machine', () => {
  it('is one STANDARD state machine named after the stack', () => {
    expect(machines).toHaveLength(1);
    expect(prop(machine.resource, 'StateMachineType')).toBe('STANDARD');
    expect(machineName).toBe('portal-dev-reviews');
  });

  it('has a definition that asl-validator accepts (JSON paths and ARNs checked)', () => {
    const result = aslValidator(asl, { checkArn: true, checkPaths: true });
    expect(result.isValid, result.errorsText('\n')).toBe(true);
  });

  it('would be refused by the same check with a dangling transition or a malformed timeout path', () => {
    const dangling = structuredClone(asl);
    (dangling.States.NotifyReviewers as Record<string, unknown>).Next = 'Nowhere';
    expect(aslValidator(dangling, { checkArn: true, checkPaths: true }).isValid).toBe(false);
    const badPath = structuredClone(asl);
    (badPath.States.AwaitDecision as Record<string, unknown>).TimeoutSecondsPath = 'timing remindInSeconds';
    expect(aslValidator(badPath, { checkArn: true, checkPaths: true }).isValid).toBe(false);
  });

  it('runs in its Task states exactly the workflow step functions of shared/contracts/functions.ts', () => {
    const tasks = Object.values(asl.States).filter((s) => s.Type === 'Task');
    expect(Object.keys(asl.States).length).toBe(tasks.length);
    const handlers = new Set(tasks.map(handlerOf));
    expect([...handlers].sort()).toEqual(workflowSpecs.map((f) => `functions/${f.handler}.ts`).sort());
  });

  it('has the states, steps and transitions of the definition the local engine interprets', () => {
    expect(asl.StartAt).toBe(definition.startAt);
    expect(Object.keys(asl.States).sort()).toEqual(Object.keys(definition.states).sort());
    for (const [name, state] of Object.entries(definition.states)) {
      const s = asl.States[name] as Record<string, any>;
      expect(handlerOf(s), name).toBe(`functions/${specOf(state.step)?.handler}.ts`);
      if (state.type === 'task') {
        expect(s.Resource).toBe('arn:aws:states:::lambda:invoke');
        expect(Object.keys(s.Parameters.Payload).sort()).toEqual([...state.input.map((f) => `${f}.$`), 'enteredAt.$'].sort());
        expect(s.Parameters.Payload['enteredAt.$']).toBe('$$.State.EnteredTime');
        if (state.result) {
          expect(s.ResultPath).toBe(`$.${state.result.path}`);
          expect(Object.keys(s.ResultSelector).sort()).toEqual(state.result.fields.map((f) => `${f}.$`).sort());
        } else {
          expect(s.ResultPath).toBeNull();
        }
        if (state.end) expect(s.End).toBe(true);
        else expect(s.Next).toBe(state.next);
        expect(s.Catch).toBeUndefined();
      } else {
        expect(s.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
        expect(s.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
        expect(s.TimeoutSecondsPath).toBe(`$.${state.timeoutSecondsPath}`);
        expect(s.Next).toBe(state.next);
        expect(s.Catch).toEqual([{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: state.onTimeout }]);
      }
    }
  });

  it('retries every step on Lambda service errors and on step failures, never on a timeout', () => {
    for (const [name, s] of Object.entries(asl.States)) {
      const retried = (s.Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
      expect(retried, name).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'States.TaskFailed']));
      expect(retried, name).not.toContain('States.Timeout');
      expect(retried, name).not.toContain('States.ALL');
    }
  });

  it('times out after 15 days (the expiry is at 14), logs every event without execution data, and traces', () => {
    expect(asl.TimeoutSeconds).toBe(15 * 24 * 3600);
    expect(prop(machine.resource, 'TracingConfiguration')).toEqual({ Enabled: true });
    expect(prop(machine.resource, 'LoggingConfiguration.Level')).toBe('ALL');
    expect(prop(machine.resource, 'LoggingConfiguration.IncludeExecutionData')).toBe(false);
    const logGroupArn = prop<{ CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[]>(machine.resource, 'LoggingConfiguration.Destinations')?.[0]?.CloudWatchLogsLogGroup.LogGroupArn;
    expect(prop(resourceIn(templates, machine.file, refOf(logGroupArn) ?? ''), 'RetentionInDays')).toBe(stages.dev.logRetention);
  });

  it('alarms (to the alarm topic) when an execution fails, times out or is stopped', () => {
    const alarms = resourcesOfType(templates, 'AWS::CloudWatch::Alarm').filter((a) =>
      (prop<{ MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: unknown }[] } } }[]>(a.resource, 'Metrics') ?? []).some(
        (m) => m.MetricStat?.Metric.MetricName === 'ExecutionsFailed' && refOf(m.MetricStat.Metric.Dimensions[0]?.Value) === machine.logicalId,
      ),
    );
    expect(alarms).toHaveLength(1);
    const alarm = (alarms[0] as Located).resource;
    const metrics = (prop<{ MetricStat?: { Metric: { MetricName: string } } }[]>(alarm, 'Metrics') ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
    expect(metrics.sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    expect(prop(alarm, 'Threshold')).toBe(1);
    expect((prop<unknown[]>(alarm, 'AlarmActions') ?? []).length).toBeGreaterThan(0);
  });
});

describe("the 'workflow' use", () => {
  const usesWorkflow = new Set([
    ...routes.filter((r) => r.lambda?.uses?.includes('workflow')).map((r) => `functions/${r.handler}.ts`),
    ...workflowSpecs.filter((f) => f.uses?.includes('workflow')).map((f) => `functions/${f.handler}.ts`),
  ]);
  const functions = resourcesOfType(templates, 'AWS::Lambda::Function').map((f) => ({ ...f, entry: bundleOf(f.resource).output.entryPoint as string }));

  it('gives exactly the functions that declare it REVIEW_STATE_MACHINE_ARN, the ARN of the state machine', () => {
    expect(usesWorkflow.size).toBeGreaterThan(0);
    for (const fn of functions) {
      const env = prop<Record<string, unknown>>(fn.resource, 'Environment.Variables') ?? {};
      if (usesWorkflow.has(fn.entry)) expect(resolve(env[ENV.reviewStateMachineArn]), fn.entry).toBe(machineArn);
      else expect(env[ENV.reviewStateMachineArn], fn.entry).toBeUndefined();
    }
  });

  it('grants StartExecution and SendTaskSuccess on that state machine only, and no other Step Functions action', () => {
    const statements = resourcesOfType(templates, 'AWS::IAM::Policy').flatMap((p) =>
      (prop<{ Action: string | string[]; Resource: unknown }[]>(p.resource, 'PolicyDocument.Statement') ?? []).map((s) => ({ ...s, policy: p.logicalId })),
    );
    const states = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));
    expect(states.length).toBeGreaterThan(0);
    for (const s of states) {
      expect([s.Action].flat().sort(), s.policy).toEqual(['states:SendTaskSuccess', 'states:StartExecution']);
      expect(resolve(s.Resource), s.policy).toBe(machineArn);
    }
  });
});
