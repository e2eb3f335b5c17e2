/**
 * The review workflow as data: its states, which step function each Task state runs (by FunctionSpec id in
 * shared/contracts/functions.ts), what each step receives and returns, and the transitions. CDK builds the
 * Step Functions definition from it (infra/constructs/workflows.ts) and the local engine interprets it
 * (infra/local/workflows.ts), so both run the same step handlers in the same order; test/infra checks the
 * synthesized ASL against it.
 *
 *   NotifyReviewers ─► AwaitDecision ──decision──► ApplyDecision (end)
 *                        │ timeout (2 business days)        ▲
 *                        ▼                                  │ decision
 *                      RemindReviewers ─► AwaitDecisionAfterReminder
 *                                           │ timeout (14 days after submission)
 *                                           ▼
 *                                         ExpireReview (end)
 */

/** Fields of the execution's state that a step receives (the execution input plus step results). */
export type StateField = 'reviewId' | 'remindAt' | 'expiresAt';

export interface TaskState {
  readonly type: 'task';
  /** FunctionSpec id of the step function. */
  readonly step: string;
  /** Passed as they are; every task also gets `enteredAt`, the time the state was entered. */
  readonly input: readonly StateField[];
  /** Where the step's answer goes in the state (`fields` picked from it); omitted: the answer is dropped. */
  readonly result?: { readonly path: string; readonly fields: readonly string[] };
  readonly next?: string;
  readonly end?: true;
}

/** A Task state that waits for a task token (WAIT_FOR_TASK_TOKEN) with a timeout read from the state. */
export interface AwaitTokenState {
  readonly type: 'awaitToken';
  readonly step: string;
  /** Passed as they are, plus `taskToken`. */
  readonly input: readonly StateField[];
  /** Dotted path in the state to a whole number of seconds (ASL TimeoutSecondsPath). */
  readonly timeoutSecondsPath: string;
  /** After the token is completed. */
  readonly next: string;
  /** After the timeout (ASL: Catch States.Timeout). */
  readonly onTimeout: string;
}

export type WorkflowState = TaskState | AwaitTokenState;

export interface WorkflowDefinition {
  readonly name: string;
  readonly startAt: string;
  readonly states: Readonly<Record<string, WorkflowState>>;
}

export const REVIEW_WORKFLOW = {
  name: 'reviews',
  startAt: 'NotifyReviewers',
  states: {
    NotifyReviewers: {
      type: 'task',
      step: 'reviewNotifyReviewers',
      input: ['reviewId', 'remindAt'],
      result: { path: 'timing', fields: ['remindInSeconds'] },
      next: 'AwaitDecision',
    },
    AwaitDecision: {
      type: 'awaitToken',
      step: 'reviewAwaitDecision',
      input: ['reviewId'],
      timeoutSecondsPath: 'timing.remindInSeconds',
      next: 'ApplyDecision',
      onTimeout: 'RemindReviewers',
    },
    RemindReviewers: {
      type: 'task',
      step: 'reviewRemindReviewers',
      input: ['reviewId', 'expiresAt'],
      result: { path: 'timing', fields: ['expireInSeconds'] },
      next: 'AwaitDecisionAfterReminder',
    },
    AwaitDecisionAfterReminder: {
      type: 'awaitToken',
      step: 'reviewAwaitDecision',
      input: ['reviewId'],
      timeoutSecondsPath: 'timing.expireInSeconds',
      next: 'ApplyDecision',
      onTimeout: 'ExpireReview',
    },
    ApplyDecision: { type: 'task', step: 'reviewApplyDecision', input: ['reviewId'], end: true },
    ExpireReview: { type: 'task', step: 'reviewExpireReview', input: ['reviewId'], end: true },
  },
} as const satisfies WorkflowDefinition;

/** The FunctionSpec ids a definition runs, once each. */
export function stepsOf(def: WorkflowDefinition): string[] {
  return [...new Set(Object.values(def.states).map((s) => s.step))];
}
