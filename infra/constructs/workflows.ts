import { ArnFormat, type CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { FunctionSpec } from '#shared/contracts/functions.ts';
import { REVIEW_WORKFLOW, type WorkflowDefinition, stepsOf } from '#shared/domain/reviews/workflow.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';
import type { Alarms } from './alarms.ts';
import { type ContextRoles, type PortalResources, PortalFunction, type WorkflowResource, contextOf, pascalCase } from './portal-function.ts';

export interface WorkflowsProps {
  readonly config: StageConfig;
  /** The `backgroundFunctions` entries with trigger `workflow`: the step functions. */
  readonly specs: readonly FunctionSpec[];
  readonly resources: PortalResources;
  readonly roles: ContextRoles;
  readonly alarms: Alarms;
  /** @default the review workflow (shared/domain/reviews/workflow.ts) */
  readonly definition?: WorkflowDefinition;
}

/** Retries of a step whose function failed (States.TaskFailed never matches States.Timeout). */
const STEP_RETRY: sfn.RetryProps = { errors: [sfn.Errors.TASKS_FAILED], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 };

/**
 * The review workflow (ON-4, ON-6, BI-5) on Step Functions, built from the same definition the local engine
 * interprets (shared/domain/reviews/workflow.ts). Defaults:
 * - a STANDARD state machine named `<stack>-reviews` (task tokens wait up to a year; Express workflows stop
 *   at 5 minutes). The name is fixed so its ARN is known without referencing the machine: the step that
 *   completes its own token needs it, and a reference would make a cycle (machine -> function -> policy ->
 *   machine). Executions are named after the review, which makes StartExecution idempotent;
 * - one function per step (PortalFunction, the steps' shared context role), invoked synchronously through
 *   `arn:aws:states:::lambda:invoke` (waits: `.waitForTaskToken`, the timeout read from the state with
 *   TimeoutSecondsPath, Catch States.Timeout to the next state);
 * - Retry on Lambda service errors (LambdaInvoke's default) and, 3 times with backoff, on any step failure;
 * - machine timeout 15 days (the expiry is at 14), so an execution never outlives its review by much;
 * - logs: level ALL without execution data (task tokens and applicant data stay out of CloudWatch), the
 *   stage's retention; X-Ray tracing;
 * - an alarm when an execution fails, times out or is stopped: its review would stay pending unattended.
 *   A failed execution can be redriven (RedriveExecution) once the cause is fixed: its steps are idempotent.
 */
export class Workflows extends Construct implements WorkflowResource {
  readonly stateMachine: sfn.StateMachine;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly functions = new Map<string, PortalFunction>();

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const { config } = props;
    const definition: WorkflowDefinition = props.definition ?? REVIEW_WORKFLOW;
    const stack = Stack.of(this);
    this.stateMachineName = `${stack.stackName}-${definition.name}`;
    this.stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const steps = stepsOf(definition);
    const unused = props.specs.filter((s) => !steps.includes(s.id)).map((s) => s.id);
    if (unused.length > 0) throw new Error(`Workflow functions ${unused.join(', ')} are in no workflow definition`);
    const resources: PortalResources = { ...props.resources, workflow: this };
    for (const stepId of steps) {
      const spec = props.specs.find((s) => s.id === stepId);
      if (!spec || spec.trigger !== 'workflow') {
        throw new Error(`Workflow ${definition.name} runs ${stepId}, which is not a 'workflow' function in shared/contracts/functions.ts`);
      }
      const fn = new PortalFunction(this, pascalCase(spec.id), {
        handler: spec.handler,
        config,
        role: props.roles.for(contextOf(spec.handler)),
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds ?? 30,
        description: spec.description,
      }).bindUses(spec.uses ?? [], resources);
      acknowledge(
        fn,
        'Serverless-LambdaDLQ',
        `Invoked synchronously by the ${this.stateMachineName} state machine (lambda:invoke), never asynchronously, so a DeadLetterConfig would never receive anything; a step that still fails after its retries fails the execution, which the failed-executions alarm reports.`,
      );
      this.functions.set(spec.id, fn);
    }

    const states = new Map<string, sfn.TaskStateBase>();
    for (const [name, state] of Object.entries(definition.states)) {
      const fn = this.functions.get(state.step) as PortalFunction;
      const fields = Object.fromEntries(state.input.map((f) => [f, sfn.JsonPath.stringAt(`$.${f}`)]));
      if (state.type === 'task') {
        states.set(
          name,
          new LambdaInvoke(this, name, {
            lambdaFunction: fn,
            payload: sfn.TaskInput.fromObject({ ...fields, enteredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime') }),
            resultSelector: state.result ? Object.fromEntries(state.result.fields.map((f) => [f, sfn.JsonPath.numberAt(`$.Payload.${f}`)])) : undefined,
            resultPath: state.result ? `$.${state.result.path}` : sfn.JsonPath.DISCARD,
            retryOnServiceExceptions: true,
          }).addRetry(STEP_RETRY),
        );
      } else {
        states.set(
          name,
          new LambdaInvoke(this, name, {
            lambdaFunction: fn,
            integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            payload: sfn.TaskInput.fromObject({ ...fields, taskToken: sfn.JsonPath.taskToken }),
            taskTimeout: sfn.Timeout.at(`$.${state.timeoutSecondsPath}`),
            resultPath: sfn.JsonPath.DISCARD,
            retryOnServiceExceptions: true,
          }).addRetry(STEP_RETRY),
        );
      }
    }
    const stateOf = (name: string) => {
      const s = states.get(name);
      if (!s) throw new Error(`Workflow ${definition.name} names an unknown state ${name}`);
      return s;
    };
    for (const [name, state] of Object.entries(definition.states)) {
      const task = stateOf(name);
      if (state.type === 'awaitToken') task.addCatch(stateOf(state.onTimeout), { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
      if (state.next) task.next(stateOf(state.next));
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.logRetention,
      removalPolicy: config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `Manual reviews (${config.stage}): notify reviewers, wait for a decision (reminder after 2 business days, expiry after 14 days), apply it.`,
      definitionBody: sfn.DefinitionBody.fromChainable(stateOf(definition.startAt)),
      timeout: Duration.days(15),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledge(
        policy,
        'AwsSolutions-IAM5[Resource::*]',
        'Only the actions without resource-level permissions: CloudWatch Logs vended log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups), which Step Functions logging requires, and the X-Ray writes of its tracing.',
      );
      for (const [stepId, fn] of this.functions) {
        const fnLogicalId = stack.resolve((fn.node.defaultChild as CfnResource).logicalId) as string;
        acknowledge(
          policy,
          `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
          `lambda:InvokeFunction on ${stepId}'s ARN with the ":*" suffix (added by LambdaInvoke) covers only that function's versions and aliases; the state machine role can invoke nothing but its own step functions.`,
        );
      }
    }

    const failures = new cloudwatch.MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: this.stateMachine.metricFailed({ statistic: 'Sum' }),
        timedOut: this.stateMachine.metricTimedOut({ statistic: 'Sum' }),
        aborted: this.stateMachine.metricAborted({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
      label: 'Review executions failed, timed out or aborted',
    });
    props.alarms.notify(
      new cloudwatch.Alarm(this, 'ExecutionFailures', {
        alarmDescription: `${this.stateMachineName}: an execution failed, timed out or was stopped, so its review waits unattended. Fix the cause, then redrive the execution (its steps are idempotent).`,
        metric: failures,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
