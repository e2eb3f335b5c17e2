import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';
import { ENV, requireEnv } from '#shared/config/env.ts';
import type { ReviewWorkflow } from '#shared/domain/reviews/ports.ts';
import { REVIEW_WORKFLOW } from '#shared/domain/reviews/workflow.ts';
import { type Clock, systemClock } from '#shared/lib/ids.ts';

/**
 * The entity type of local executions (WORKFLOW#<executionId> / EXECUTION); the item is documented by `Execution`
 * and built by `workflowExecutionItem` in infra/local/workflows.ts.
 */
export const WORKFLOW_EXECUTION_TYPE = 'WorkflowExecution';

/** `<executionId>.<random>`: the engine mints them; the execution id makes `sendDecision` a single keyed write. */
export const executionOfToken = (taskToken: string) => taskToken.slice(0, Math.max(0, taskToken.indexOf('.')));

const listeners = new Set<() => void>();

/** An engine in this process wants to hear about new work at once (instead of at its next poll). */
export function onLocalWorkflowWork(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const signal = () => {
  for (const listener of listeners) listener();
};

/**
 * The local adapter of the workflow port: it only writes what Step Functions would record (a new execution,
 * a completed task) to DynamoDB and lets the engine (infra/local/workflows.ts, running inside `npm start` and
 * the test stack) do the work, so a handler in any process (`npm run invoke`, a test worker) can use it and
 * nothing is lost across a restart.
 */
export function localReviewWorkflow(clock: Clock = systemClock): ReviewWorkflow {
  return {
    async start(input) {
      const now = clock.now().toISOString();
      try {
        await documentClient().send(
          new PutCommand({
            TableName: requireEnv(ENV.tableName),
            Item: {
              ...keys.workflowExecution(input.reviewId),
              [TABLE_KEYS.entityType]: WORKFLOW_EXECUTION_TYPE,
              executionId: input.reviewId,
              machine: REVIEW_WORKFLOW.name,
              input,
              data: input,
              state: REVIEW_WORKFLOW.startAt,
              phase: 'ready',
              dueAt: now,
              history: [{ at: now, event: 'ExecutionStarted' }],
              startedAt: now,
              updatedAt: now,
              ...keys.workflowDue(now, input.reviewId),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
          }),
        );
      } catch (e) {
        // Same name: the execution exists (running or ended), as StartExecution answers for a Standard workflow.
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
      signal();
      return { executionId: input.reviewId };
    },

    async sendDecision(taskToken, output) {
      const executionId = executionOfToken(taskToken);
      if (!executionId) return;
      const now = clock.now().toISOString();
      const due = keys.workflowDue(now, executionId);
      try {
        await documentClient().send(
          new UpdateCommand({
            TableName: requireEnv(ENV.tableName),
            Key: keys.workflowExecution(executionId),
            UpdateExpression: 'SET #phase = :completed, #output = :output, #dueAt = :now, #updatedAt = :now, #g2pk = :g2pk, #g2sk = :g2sk',
            ConditionExpression: '#taskToken = :token AND #phase = :waiting',
            ExpressionAttributeNames: {
              '#phase': 'phase',
              '#output': 'output',
              '#dueAt': 'dueAt',
              '#updatedAt': 'updatedAt',
              '#taskToken': 'taskToken',
              '#g2pk': 'gsi2pk',
              '#g2sk': 'gsi2sk',
            },
            ExpressionAttributeValues: { ':completed': 'completed', ':waiting': 'waiting', ':output': output, ':now': now, ':token': taskToken, ':g2pk': due.gsi2pk, ':g2sk': due.gsi2sk },
          }),
        );
      } catch (e) {
        // Stale token (timed out, or completed already): ignored, as the AWS adapter ignores TaskTimedOut.
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
        return;
      }
      signal();
    },
  };
}
