import { type JsonService, awsJsonCall } from '#shared/adapters/aws-lite/json-client.ts';
import { ConfigError, ENV, optionalEnv } from '#shared/config/env.ts';
import type { ReviewWorkflow } from '#shared/domain/reviews/ports.ts';
import { localReviewWorkflow } from './local-workflow.ts';

/**
 * Step Functions' JSON API through the shared SigV4 client (aws-lite/json-client.ts): @aws-sdk/client-sfn
 * would add ~22 KB to every handler that starts or signals a review, over the 450 KB bundle budget.
 */
export const STEP_FUNCTIONS: JsonService = { service: 'states', targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0', endpointEnv: ENV.sfnEndpoint };

export type JsonCall = (svc: JsonService, action: string, input: unknown) => Promise<Record<string, unknown>>;

/** The task was completed already or its wait timed out: the decision is on the review, the workflow finds it. */
const STALE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Step Functions adapter. Executions are named after the review, so `start` is idempotent: Standard
 * workflows answer a repeated StartExecution with the same name and input like the first one while the
 * execution runs, and ExecutionAlreadyExists once it has ended (treated as success: it ran).
 */
export function sfnReviewWorkflow(stateMachineArn: string, call: JsonCall = awsJsonCall): ReviewWorkflow {
  const executionArn = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  return {
    async start(input) {
      try {
        const out = await call(STEP_FUNCTIONS, 'StartExecution', { stateMachineArn, name: input.reviewId, input: JSON.stringify(input) });
        return { executionId: typeof out.executionArn === 'string' ? out.executionArn : executionArn(input.reviewId) };
      } catch (e) {
        if ((e as Error).name === 'ExecutionAlreadyExists') return { executionId: executionArn(input.reviewId) };
        throw e;
      }
    },
    async sendDecision(taskToken, output) {
      try {
        await call(STEP_FUNCTIONS, 'SendTaskSuccess', { taskToken, output: JSON.stringify(output) });
      } catch (e) {
        if (!STALE_TOKEN_ERRORS.has((e as Error).name)) throw e;
      }
    },
  };
}

/**
 * The review workflow of this environment: Step Functions when REVIEW_STATE_MACHINE_ARN is set (CDK sets it
 * with the grants, see PortalFunction.bindWorkflow), the local engine's DynamoDB-backed adapter when
 * LOCAL_WORKFLOWS is set (the local stack sets it). Neither is a configuration error.
 */
export function reviewWorkflow(): ReviewWorkflow {
  const arn = optionalEnv(ENV.reviewStateMachineArn);
  if (arn) return sfnReviewWorkflow(arn);
  if (optionalEnv(ENV.localWorkflows)) return localReviewWorkflow();
  throw new ConfigError(`Set ${ENV.reviewStateMachineArn} (AWS) or ${ENV.localWorkflows} (local stack)`);
}
