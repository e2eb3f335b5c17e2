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
  {
    id: 'invoiceBatch',
    handler: 'billing/invoice-batch',
    description: 'BI-2: the invoice batch (EventBridge Scheduler: daily for per-order orgs, quarterly for quarterly orgs); resumes from its checkpoint.',
    trigger: 'schedule',
    uses: ['table:read', 'table:write', 'outbox'],
    timeoutSeconds: 900,
  },
  {
    id: 'accountProjectShippedDevices',
    handler: 'account/project-shipped-devices',
    description: "Writes an org's assets (AC-5) when one of its tickets reaches Ready to bill (DynamoDB stream consumer).",
    trigger: 'table-stream',
    uses: ['table:read', 'table:write'],
    timeoutSeconds: 60,
  },
  // The Task states of the review workflow (shared/domain/reviews/workflow.ts; Step Functions in AWS, the
  // local engine in infra/local/workflows.ts).
  {
    id: 'reviewNotifyReviewers',
    handler: 'reviews/notify-reviewers',
    description: 'Review workflow: emails the review team about a new review (once).',
    trigger: 'workflow',
    uses: ['table:write', 'outbox'],
  },
  {
    id: 'reviewAwaitDecision',
    handler: 'reviews/await-decision',
    description: "Review workflow: stores the wait's task token on the review (completes it at once if already decided).",
    trigger: 'workflow',
    uses: ['table:write', 'workflow'],
  },
  {
    id: 'reviewRemindReviewers',
    handler: 'reviews/remind-reviewers',
    description: 'Review workflow: reminds the review team after 2 business days without a decision.',
    trigger: 'workflow',
    uses: ['table:write', 'outbox'],
  },
  {
    id: 'reviewApplyDecision',
    handler: 'reviews/apply-decision',
    description: 'Review workflow: applies the decision (org, membership, tier, reactivation) and emails the applicant.',
    trigger: 'workflow',
    uses: ['table:write', 'outbox', 'users'],
  },
  {
    id: 'reviewExpireReview',
    handler: 'reviews/expire-review',
    description: 'Review workflow: expires a review nobody decided within 14 days and tells the applicant.',
    trigger: 'workflow',
    uses: ['table:write', 'outbox', 'users'],
  },
];
