import { describe, expect, it } from 'vitest';
import { ENV } from '#shared/config/env.ts';
import { stages } from '#infra/config/stages.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes } from '#shared/contracts/routes/index.ts';
import { assetDirOf, loadTemplates, prop, refOf, resourceIn, resourcesOfType } from './assembly.ts';

const config = stages.dev;
const templates = loadTemplates();
const functions = resourcesOfType(templates, 'AWS::Lambda::Function');

describe('every Lambda function', () => {
  it('exists (the checks below are not vacuous)', () => {
    expect(functions.length).toBeGreaterThan(0);
  });

  it.each(functions.map((f) => [f.logicalId, f] as const))('%s runs Node.js 24 on arm64 with active tracing', (_id, fn) => {
    expect(prop(fn.resource, 'Runtime')).toBe('nodejs24.x');
    expect(prop(fn.resource, 'Architectures')).toEqual(['arm64']);
    expect(prop(fn.resource, 'TracingConfig')).toEqual({ Mode: 'Active' });
    expect(prop(fn.resource, 'MemorySize')).toBeTypeOf('number');
    expect(prop(fn.resource, 'Timeout')).toBeTypeOf('number');
  });

  it.each(functions.map((f) => [f.logicalId, f] as const))('%s logs JSON to its own log group with the stage retention', (_id, fn) => {
    expect(prop(fn.resource, 'LoggingConfig.LogFormat')).toBe('JSON');
    const logGroupId = refOf(prop(fn.resource, 'LoggingConfig.LogGroup'));
    const logGroup = resourceIn(templates, fn.file, logGroupId ?? '');
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(prop(logGroup, 'RetentionInDays')).toBe(config.logRetention);
  });

  it.each(functions.map((f) => [f.logicalId, f] as const))('%s gets the stage and service name from the environment, and no runtime source maps', (_id, fn) => {
    const env = prop<Record<string, unknown>>(fn.resource, 'Environment.Variables') ?? {};
    expect(env[ENV.stage]).toBe('dev');
    expect(env[ENV.serviceName]).toBe('support-portal');
    expect(env[ENV.logLevel]).toBe(config.logLevel);
    // The .map files ship beside the bundle (checked in bundles.test.ts) for offline symbolication; enabling them
    // at run time would parse them at every cold start.
    expect(env.NODE_OPTIONS).toBeUndefined();
  });

  it('shares execution roles per context instead of one role per function', () => {
    const roles = new Set(functions.map((f) => `${f.file}#${refOf(prop(f.resource, 'Role'))}`));
    expect(roles.size).toBeLessThan(functions.length);
  });
});

describe('IAM', () => {
  it('uses no AWS managed policies', () => {
    for (const role of resourcesOfType(templates, 'AWS::IAM::Role')) {
      expect(prop(role.resource, 'ManagedPolicyArns'), role.logicalId).toBeUndefined();
    }
  });

  it('grants Resource "*" only for the actions that have no resource-level permissions', () => {
    const wildcardActions = new Set<string>();
    for (const policy of resourcesOfType(templates, 'AWS::IAM::Policy')) {
      const statements = prop<{ Action: string | string[]; Resource: unknown }[]>(policy.resource, 'PolicyDocument.Statement') ?? [];
      for (const s of statements) {
        const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        if (resources.includes('*')) for (const a of [s.Action].flat()) wildcardActions.add(a);
      }
    }
    // Each of these has no resource-level permission in IAM: ListStreams (the stream consumer), X-Ray writes and
    // sampling, and the log-delivery actions Step Functions logging requires.
    expect([...wildcardActions].sort()).toEqual(
      [
        'dynamodb:ListStreams',
        'logs:CreateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:DescribeLogGroups',
        'logs:DescribeResourcePolicies',
        'logs:GetLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:UpdateLogDelivery',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });

  it('never grants Scan or table-level control-plane actions', () => {
    const actions = resourcesOfType(templates, 'AWS::IAM::Policy').flatMap((p) =>
      (prop<{ Action: string | string[] }[]>(p.resource, 'PolicyDocument.Statement') ?? []).flatMap((s) => [s.Action].flat()),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => /^dynamodb:(\*|Delete(Table|Backup)|UpdateTable|CreateTable)$/.test(a))).toEqual([]);
  });
});

describe('data files', () => {
  it('ships the free-mail and disposable domain lists beside the bundles of routes that declare them', async () => {
    const declaring = routes.filter((r) => r.lambda?.dataFiles?.includes('email-domain-lists'));
    expect(declaring.length).toBeGreaterThan(0);
    for (const route of declaring) {
      const fn = functions.find((f) => String(prop(f.resource, 'Description') ?? '').endsWith(`(${route.operationId})`));
      expect(fn, route.operationId).toBeDefined();
      const dir = assetDirOf(fn!.resource);
      for (const file of ['free-mail-domains.json', 'disposable-domains.json']) {
        const path = join(dir, 'data', file);
        expect(existsSync(path), path).toBe(true);
        expect((JSON.parse(readFileSync(path, 'utf8')) as string[]).length).toBeGreaterThan(1000);
      }
    }
  });
});
