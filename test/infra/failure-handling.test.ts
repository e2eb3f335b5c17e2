import { describe, expect, it } from 'vitest';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import { OUTBOX_ENTITY } from '#shared/adapters/dynamodb/entities/outbox.ts';
import { TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';
import { type Located, type StackTemplate, bundleOf, loadTemplates, prop, refOf, resourceIn, resourcesOfType } from './assembly.ts';

const templates = loadTemplates();

/** Alarms of one template that watch `metric` of the resource `target` (by dimension) and notify someone. */
function alarmsOn(file: string, namespace: string, metric: string, dimension: string, target: string): Located[] {
  return resourcesOfType(templates, 'AWS::CloudWatch::Alarm').filter(
    (a) =>
      a.file === file &&
      prop(a.resource, 'Namespace') === namespace &&
      prop(a.resource, 'MetricName') === metric &&
      (prop<{ Name: string; Value: unknown }[]>(a.resource, 'Dimensions') ?? []).some(
        (d) => d.Name === dimension && refOf(d.Value) === target,
      ) &&
      (prop<unknown[]>(a.resource, 'AlarmActions') ?? []).length > 0,
  );
}

function expectDepthAlarm(file: string, queueId: string): void {
  const queue = resourceIn(templates, file, queueId);
  expect(queue.Type, `${queueId} should be an SQS queue`).toBe('AWS::SQS::Queue');
  const alarms = alarmsOn(file, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queueId);
  expect(alarms.length, `depth alarm on ${queueId}`).toBeGreaterThan(0);
  for (const alarm of alarms) {
    expect(prop(alarm.resource, 'ComparisonOperator')).toBe('GreaterThanOrEqualToThreshold');
    expect(prop(alarm.resource, 'Threshold')).toBe(1);
  }
}

function expectErrorsAlarm(file: string, fnId: string): void {
  expect(alarmsOn(file, 'AWS/Lambda', 'Errors', 'FunctionName', fnId).length, `errors alarm on ${fnId}`).toBeGreaterThan(0);
}

/** The failure queue of an asynchronously invoked function: its DLQ or its on-failure destination. */
function asyncFailureQueue(t: StackTemplate, fnId: string): string | undefined {
  const fn = resourceIn(templates, t.file, fnId);
  const dlq = refOf(prop(fn, 'DeadLetterConfig.TargetArn'));
  if (dlq) return dlq;
  const invokeConfig = Object.values(t.json.Resources).find(
    (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && refOf(prop(r, 'FunctionName')) === fnId,
  );
  return invokeConfig ? refOf(prop(invokeConfig, 'DestinationConfig.OnFailure.Destination')) : undefined;
}

/**
 * Everything that invokes a function without waiting for it: schedules, EventBridge rules, and resource
 * policies for any principal but API Gateway (S3, SNS, EventBridge...). Step Functions invokes
 * synchronously through its role and is not listed.
 */
function asyncInvocations(t: StackTemplate): { fnId: string; via: string; targetDlq?: string | null }[] {
  const found: { fnId: string; via: string; targetDlq?: string | null }[] = [];
  for (const [id, r] of Object.entries(t.json.Resources)) {
    if (r.Type === 'AWS::Scheduler::Schedule') {
      const fnId = refOf(prop(r, 'Target.Arn'));
      if (fnId && resourceIn(templates, t.file, fnId).Type === 'AWS::Lambda::Function') {
        found.push({ fnId, via: id, targetDlq: refOf(prop(r, 'Target.DeadLetterConfig.Arn')) ?? null });
      }
    }
    if (r.Type === 'AWS::Events::Rule') {
      for (const target of prop<Record<string, unknown>[]>(r, 'Targets') ?? []) {
        const fnId = refOf(target.Arn);
        if (fnId && resourceIn(templates, t.file, fnId).Type === 'AWS::Lambda::Function') {
          found.push({ fnId, via: id, targetDlq: refOf((target.DeadLetterConfig as Record<string, unknown> | undefined)?.Arn) ?? null });
        }
      }
    }
    if (r.Type === 'AWS::Lambda::Permission' && prop(r, 'Principal') !== 'apigateway.amazonaws.com') {
      const fnId = refOf(prop(r, 'FunctionName'));
      if (fnId) found.push({ fnId, via: id });
    }
  }
  return found;
}

/** The stream mappings whose function runs `handler` (the outbox consumer, the account's device projection). */
const streamMappingsOf = (handler: string | undefined) =>
  resourcesOfType(templates, 'AWS::Lambda::EventSourceMapping').filter(
    (m) => bundleOf(resourceIn(templates, m.file, refOf(prop(m.resource, 'FunctionName')) ?? '')).output.entryPoint === `functions/${handler}.ts`,
  );

describe('the outbox consumer', () => {
  const spec = backgroundFunctions.find((f) => f.id === 'outboxDeliver');
  const mappings = streamMappingsOf(spec?.handler);
  const [table] = resourcesOfType(templates, 'AWS::DynamoDB::Table');

  it('reads the table stream with partial batch responses, bisection and bounded retries', () => {
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]!.resource;
    expect(prop(mapping, 'EventSourceArn')).toEqual({ 'Fn::GetAtt': [table!.logicalId, 'StreamArn'] });
    expect(prop(mapping, 'StartingPosition')).toBe('TRIM_HORIZON');
    expect(prop(mapping, 'BatchSize')).toBe(25);
    expect(prop(mapping, 'BisectBatchOnFunctionError')).toBe(true);
    expect(prop(mapping, 'FunctionResponseTypes')).toEqual(['ReportBatchItemFailures']);
    expect(prop(mapping, 'MaximumRetryAttempts')).toBe(5);
    expect(prop<number>(mapping, 'MaximumRecordAgeInSeconds')).toBeGreaterThan(0);
  });

  it('is invoked only for INSERTs of outbox items', () => {
    const filters = prop<{ Pattern: string }[]>(mappings[0]!.resource, 'FilterCriteria.Filters') ?? [];
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { [TABLE_KEYS.entityType]: { S: [OUTBOX_ENTITY] } } } },
    ]);
  });

  it('runs the outbox/deliver handler', () => {
    const fnId = refOf(prop(mappings[0]!.resource, 'FunctionName'));
    const fn = resourceIn(templates, mappings[0]!.file, fnId ?? '');
    expect(bundleOf(fn).output.entryPoint).toBe(`functions/${spec?.handler}.ts`);
  });

  it('sends what keeps failing to an alarmed SQS queue, and alarms on function errors', () => {
    const { file, resource } = mappings[0]!;
    const queueId = refOf(prop(resource, 'DestinationConfig.OnFailure.Destination'));
    expectDepthAlarm(file, queueId ?? '');
    expectErrorsAlarm(file, refOf(prop(resource, 'FunctionName')) ?? '');
  });
});

describe('the device projection (account)', () => {
  const spec = backgroundFunctions.find((f) => f.id === 'accountProjectShippedDevices');
  const mappings = streamMappingsOf(spec?.handler);

  it('reads the table stream only for ticket items moving into Ready to bill, with an alarmed failure queue', () => {
    expect(mappings).toHaveLength(1);
    const { file, resource } = mappings[0]!;
    expect(prop(resource, 'FunctionResponseTypes')).toEqual(['ReportBatchItemFailures']);
    expect(prop(resource, 'BisectBatchOnFunctionError')).toBe(true);
    const filters = prop<{ Pattern: string }[]>(resource, 'FilterCriteria.Filters') ?? [];
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['MODIFY'], dynamodb: { NewImage: { [TABLE_KEYS.entityType]: { S: ['Ticket'] }, status: { S: ['ready_to_bill'] } } } },
    ]);
    expectDepthAlarm(file, refOf(prop(resource, 'DestinationConfig.OnFailure.Destination')) ?? '');
    expectErrorsAlarm(file, refOf(prop(resource, 'FunctionName')) ?? '');
  });
});

describe('every asynchronous entry point', () => {
  it('has a failure destination with a depth alarm, and its function an errors alarm (event source mappings)', () => {
    const mappings = resourcesOfType(templates, 'AWS::Lambda::EventSourceMapping');
    for (const { file, logicalId, resource } of mappings) {
      const source = refOf(prop(resource, 'EventSourceArn')) ?? '';
      const fromQueue = resourceIn(templates, file, source).Type === 'AWS::SQS::Queue';
      // SQS sources keep failures in the source queue's redrive target; streams use DestinationConfig.
      const failureQueue = fromQueue
        ? refOf(prop(resourceIn(templates, file, source), 'RedrivePolicy.deadLetterTargetArn'))
        : refOf(prop(resource, 'DestinationConfig.OnFailure.Destination'));
      expect(failureQueue, `${logicalId} has no failure destination`).toBeDefined();
      expectDepthAlarm(file, failureQueue ?? '');
      expectErrorsAlarm(file, refOf(prop(resource, 'FunctionName')) ?? '');
    }
  });

  it('has a DLQ or on-failure destination with a depth alarm, and an errors alarm (async invocations)', () => {
    const invocations = templates.flatMap((t) => asyncInvocations(t).map((i) => ({ ...i, t })));
    expect(invocations.length, 'the scheduled outbox sweep at least').toBeGreaterThan(0);
    for (const { fnId, via, targetDlq, t } of invocations) {
      const queue = asyncFailureQueue(t, fnId);
      expect(queue, `${fnId} (invoked by ${via}) has no DLQ or on-failure destination`).toBeDefined();
      expectDepthAlarm(t.file, queue ?? '');
      if (targetDlq !== undefined) {
        expect(targetDlq, `${via} has no target DLQ`).not.toBeNull();
        expectDepthAlarm(t.file, targetDlq ?? '');
      }
      expectErrorsAlarm(t.file, fnId);
    }
  });

  it('covers every background function that is not behind the API', () => {
    const wired = new Set<string>();
    for (const t of templates) {
      for (const { fnId } of asyncInvocations(t)) wired.add(bundleOf(resourceIn(templates, t.file, fnId)).output.entryPoint ?? '');
      for (const m of resourcesOfType([t], 'AWS::Lambda::EventSourceMapping')) {
        wired.add(bundleOf(resourceIn(templates, t.file, refOf(prop(m.resource, 'FunctionName')) ?? '')).output.entryPoint ?? '');
      }
    }
    // Workflow steps are invoked synchronously by Step Functions (their retries and alarm: test/infra/workflows.test.ts).
    const expected = backgroundFunctions.filter((f) => f.trigger !== 'api-default' && f.trigger !== 'workflow').map((f) => `functions/${f.handler}.ts`);
    expect([...wired].sort()).toEqual(expect.arrayContaining(expected));
  });

  it('keeps failure queues encrypted and reachable over TLS only', () => {
    for (const queue of resourcesOfType(templates, 'AWS::SQS::Queue')) {
      expect(prop(queue.resource, 'SqsManagedSseEnabled') ?? prop(queue.resource, 'KmsMasterKeyId'), queue.logicalId).toBeTruthy();
      const policy = resourcesOfType(templates, 'AWS::SQS::QueuePolicy').find((p) =>
        (prop<unknown[]>(p.resource, 'Queues') ?? []).some((q) => refOf(q) === queue.logicalId),
      );
      expect(JSON.stringify(policy?.resource.Properties), queue.logicalId).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('alarms through an encrypted, TLS-only topic', () => {
    const topics = resourcesOfType(templates, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    expect(prop(topics[0]!.resource, 'KmsMasterKeyId')).toBeDefined();
    const key = resourceIn(templates, topics[0]!.file, refOf(prop(topics[0]!.resource, 'KmsMasterKeyId')) ?? '');
    expect(prop(key, 'EnableKeyRotation')).toBe(true);
    for (const alarm of resourcesOfType(templates, 'AWS::CloudWatch::Alarm')) {
      const actions = (prop<unknown[]>(alarm.resource, 'AlarmActions') ?? []).map(refOf);
      // In a nested stack the topic arrives as a parameter; in the topic's own stack it must be the topic.
      if (alarm.file === topics[0]!.file) expect(actions, alarm.logicalId).toEqual([topics[0]!.logicalId]);
      else expect(actions, alarm.logicalId).toHaveLength(1);
    }
    const policy = resourcesOfType(templates, 'AWS::SNS::TopicPolicy')[0];
    expect(JSON.stringify(policy?.resource.Properties)).toContain('"aws:SecureTransport":"false"');
  });
});
