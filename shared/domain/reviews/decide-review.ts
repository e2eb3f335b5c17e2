import { ValidationError } from '#shared/domain/errors.ts';
import { ageHours } from './business-days.ts';
import type { Decision, Review, ReviewKind } from './model.ts';
import type { DecisionDeps, QueueDeps } from './ports.ts';
import { executionInput } from './start-review.ts';

/** A review as staff see it: everything but the workflow's internals, plus its age. */
export type ReviewView = Omit<Review, 'taskToken' | 'notifiedAt'> & { ageHours: number; overdue: boolean };

export function reviewView(review: Review, now: Date): ReviewView {
  const { taskToken: _token, notifiedAt: _notified, ...rest } = review;
  return {
    ...rest,
    ageHours: ageHours(new Date(review.submittedAt), now),
    overdue: review.status === 'pending' && now.getTime() > new Date(review.dueBy).getTime(),
  };
}

/** The staff queue: pending reviews (all kinds or one), oldest first, with their age and due time. */
export async function listPendingReviews(
  query: { kind?: ReviewKind | undefined; limit: number; startKey?: Record<string, unknown> | undefined },
  deps: QueueDeps,
): Promise<{ items: ReviewView[]; lastKey?: Record<string, unknown> | undefined }> {
  const page = await deps.store.listPending(query);
  const now = deps.clock.now();
  return { items: page.reviews.map((r) => reviewView(r, now)), lastKey: page.lastKey };
}

export interface DecisionInput {
  decision: Decision;
  reason?: string | undefined;
}

/**
 * A reviewer decides (staff only; never on their own request). The decision is stored on the review in one
 * conditional write, which also takes it out of the queue, so a second decision is a 409 whatever the
 * timing; then the workflow's waiting task is completed and the workflow applies it.
 *
 * If no task is waiting yet (the workflow is still notifying, or its start was lost), the workflow is
 * started (idempotently) and its wait step finds the decision already stored. If completing the task fails,
 * the decision is still stored and the workflow applies it at its next timer at the latest; `signalled`
 * says which happened.
 */
export async function decideReview(
  reviewId: string,
  input: DecisionInput,
  reviewer: { userId: string; email: string },
  deps: DecisionDeps,
): Promise<{ review: ReviewView; signalled: boolean; error?: unknown }> {
  const reason = input.reason?.trim() || undefined;
  if (input.decision === 'reject' && !reason) {
    throw new ValidationError('reason_required', 'A rejection needs a reason: it is sent to the applicant.', 'body.reason');
  }
  const now = deps.clock.now();
  const review = await deps.store.recordDecision(reviewId, { decision: input.decision, reason, decidedBy: reviewer, decidedAt: now.toISOString() });
  try {
    if (review.taskToken) await deps.workflow.sendDecision(review.taskToken, { decision: input.decision });
    else await deps.workflow.start(executionInput({ reviewId, submittedAt: review.submittedAt, expectedBy: review.dueBy }));
    return { review: reviewView(review, now), signalled: true };
  } catch (error) {
    return { review: reviewView(review, now), signalled: false, error };
  }
}
