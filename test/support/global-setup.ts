import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type LocalStack, startLocalStack } from '#infra/local/environment.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { endpoints: LocalStack['endpoints']; env: Record<string, string>; userPool: LocalStack['userPool'] };
  }
}

/**
 * One set of stand-ins per test run (DynamoDB Local in memory, cognito-local, SES and S3 stand-ins on free
 * ports) plus the outbox consumer on the table stream, so emails written by any test file arrive in the
 * SES stand-in's mailbox. Workers get the endpoints through env vars and `inject('stack')`.
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'portal-test-'));
  const stack = await startLocalStack({ dataDir, inMemory: true });
  project.provide('stack', { endpoints: stack.endpoints, env: stack.env, userPool: stack.userPool });
  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
