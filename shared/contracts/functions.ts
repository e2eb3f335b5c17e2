import type { LambdaSpec } from './route.ts';

/**
 * Functions that are not behind a route: stream consumers, scheduled jobs, workflow steps. Together with
 * the route table this is the complete list of Lambda functions; CDK and `npm run invoke` read both.
 */
export interface FunctionSpec extends LambdaSpec {
  readonly id: string;
  /** `context/action`: `functions/context/action.ts` exports `handler`. */
  readonly handler: string;
  readonly description: string;
  readonly trigger: 'table-stream' | 'schedule' | 'workflow' | 'queue' | 'api-default';
}

export const backgroundFunctions: readonly FunctionSpec[] = [
  {
    id: 'notFound',
    handler: 'system/not-found',
    description: "The HTTP API's $default route: unknown method/path -> 404 in the error model.",
    trigger: 'api-default',
    uses: [],
  },
  {
    id: 'outboxDeliver',
    handler: 'outbox/deliver',
    description: 'Sends the emails of the transactional outbox (DynamoDB stream consumer).',
    trigger: 'table-stream',
    uses: ['table:read', 'table:write', 'mail'],
    timeoutSeconds: 60,
  },
  {
    id: 'outboxSweep',
    handler: 'outbox/sweep',
    description: 'Every 5 minutes: re-sends outbox emails still pending after a provider outage.',
    trigger: 'schedule',
    uses: ['table:read', 'table:write', 'mail'],
    timeoutSeconds: 120,
  },
];
