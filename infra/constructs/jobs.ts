import { type CfnResource, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { ENV } from '#shared/config/env.ts';
import type { FunctionSpec } from '#shared/contracts/functions.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';
import type { Alarms } from './alarms.ts';
import { type ContextRoles, type PortalResources, PortalFunction, contextOf, pascalCase } from './portal-function.ts';

/**
 * When each scheduled function runs, by FunctionSpec id. FunctionSpec has no schedule field yet, so the
 * expressions live here; cron schedules take the stage's timezone.
 */
export const SCHEDULES: Readonly<Record<string, (config: StageConfig) => scheduler.ScheduleExpression | readonly NamedSchedule[]>> = {
  outboxSweep: () => scheduler.ScheduleExpression.rate(Duration.minutes(5)),
  // BI-2: per-order orgs every day at 02:00 (yesterday's orders), quarterly orgs at 03:00 on the first day of
  // each quarter (the previous quarter), in the stage's billing time zone; the event carries the scheduled
  // time so that a retried run still covers the same period.
  invoiceBatch: (config) => {
    const timeZone = TimeZone.of(config.invoiceSchedule.timezone);
    return [
      {
        suffix: 'Daily',
        expression: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2', timeZone }),
        input: { kind: 'per_order', scheduledTime: scheduler.ContextAttribute.scheduledTime },
      },
      {
        suffix: 'Quarterly',
        expression: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', day: '1', month: '1,4,7,10', timeZone }),
        input: { kind: 'quarterly', scheduledTime: scheduler.ContextAttribute.scheduledTime },
      },
    ];
  },
};

/** One of several schedules of a function, with the event it sends. */
export interface NamedSchedule {
  readonly suffix: string;
  readonly expression: scheduler.ScheduleExpression;
  readonly input?: Record<string, unknown>;
}

/** Environment of scheduled functions beyond what their `uses` bind. */
const ENVIRONMENT: Readonly<Record<string, (config: StageConfig) => Record<string, string>>> = {
  invoiceBatch: (config) => ({ [ENV.billingTimeZone]: config.invoiceSchedule.timezone }),
};

export interface JobsProps {
  readonly config: StageConfig;
  /** The `backgroundFunctions` entries with trigger `schedule`. */
  readonly specs: readonly FunctionSpec[];
  readonly resources: PortalResources;
  readonly roles: ContextRoles;
  readonly alarms: Alarms;
}

/**
 * Scheduled functions, run by EventBridge Scheduler. Per function:
 * - the schedule from SCHEDULES (a missing entry fails synthesis);
 * - the scheduler invokes asynchronously, so one SQS queue (depth alarm) is both the schedule target's DLQ
 *   (invocations the scheduler could not make after 2 retries within 1 h) and the function's
 *   DeadLetterConfig (invocations that failed after Lambda's own async retries);
 * - an errors alarm.
 */
export class Jobs extends Construct {
  readonly functions: PortalFunction[] = [];

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    for (const spec of props.specs) {
      if (spec.trigger !== 'schedule') throw new Error(`${spec.id} is not a scheduled function`);
      const expression = SCHEDULES[spec.id];
      if (!expression) {
        throw new Error(`Scheduled function ${spec.id} has no entry in SCHEDULES (infra/constructs/jobs.ts)`);
      }
      const name = pascalCase(spec.id);
      const source = `${spec.id} (${spec.handler})`;
      const failures = props.alarms.failureQueue(this, `${name}Failures`, source, { lambdaDeadLetterQueue: true });
      const fn = new PortalFunction(this, name, {
        handler: spec.handler,
        config: props.config,
        role: props.roles.for(contextOf(spec.handler)),
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
        description: spec.description,
        deadLetterQueue: failures,
      }).bindUses(spec.uses ?? [], props.resources);
      // Our own role instead of the target's shared default, so the acknowledgement below is scoped to it.
      const invoker = new iam.Role(this, `${name}SchedulerRole`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        description: `EventBridge Scheduler: invokes ${spec.id}`,
      });
      for (const [key, value] of Object.entries(ENVIRONMENT[spec.id]?.(props.config) ?? {})) fn.addEnvironment(key, value);
      const planned = expression(props.config);
      const schedules: readonly NamedSchedule[] = planned instanceof scheduler.ScheduleExpression ? [{ suffix: '', expression: planned }] : planned;
      for (const s of schedules) {
        new scheduler.Schedule(this, `${name}${s.suffix}Schedule`, {
          description: s.suffix ? `${spec.description} (${s.suffix.toLowerCase()})` : spec.description,
          schedule: s.expression,
          target: new LambdaInvoke(fn, {
            role: invoker,
            deadLetterQueue: failures,
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
            ...(s.input ? { input: scheduler.ScheduleTargetInput.fromObject(s.input) } : {}),
          }),
        });
      }
      const fnLogicalId = Stack.of(this).resolve((fn.node.defaultChild as CfnResource).logicalId) as string;
      acknowledge(
        invoker,
        `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
        `lambda:InvokeFunction on ${spec.id}'s ARN with the ":*" suffix (added by grantInvoke) covers only that one function's versions and aliases; this role can invoke nothing else.`,
      );
      props.alarms.functionErrors(this, `${name}Errors`, fn, source);
      this.functions.push(fn);
    }
  }
}
