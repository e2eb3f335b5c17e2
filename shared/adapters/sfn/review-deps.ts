import { randomInt } from 'node:crypto';
import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { dynamoPrincipalStore } from '#shared/adapters/dynamodb/repositories/principals.ts';
import { dynamoReviewStore, reviewOrgDirectory, submitReview } from '#shared/adapters/dynamodb/repositories/reviews.ts';
import { ConfigError, ENV, requireEnv } from '#shared/config/env.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import type { IdentityProvider } from '#shared/domain/identity/ports.ts';
import type { ApplyDeps, ReviewWorkflow, SubmissionDeps } from '#shared/domain/reviews/ports.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { reviewWorkflow } from './review-workflow.ts';

/*
 * The production wiring of the review use cases that write reviews (submissions and the workflow steps),
 * built once per container. listReviews and decideReview wire their two ports (review-queue.ts) in the
 * handler instead: importing this module would bring the whole review store, the sealing key and Cognito
 * into their bundles.
 */

/** An 8-digit service request number without a leading zero (90 million values; uniqueness is a conditional put). */
export const nextReference = () => String(randomInt(10_000_000, 100_000_000));

/** Caches a container-wide value; a failure (a secret not readable yet) is retried on the next call. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((e) => {
      value = undefined;
      throw e;
    });
    return value;
  };
}

/** For functions that send no email (they have no sealing key): using it is a wiring bug. */
const noSealer: Sealer = {
  seal: () => {
    throw new ConfigError('This function sends no email: declare the outbox use in its spec');
  },
  open: () => {
    throw new ConfigError('This function sends no email');
  },
};

/** submitOrganizationForReview, requestAccountUpgrade. */
export const submissionDeps = /* @__PURE__ */ once(
  async (): Promise<SubmissionDeps> => ({
    store: { submit: submitReview({ sealer: await getSealer(), ids: systemIds, clock: systemClock }) },
    workflow: reviewWorkflow(),
    orgs: { domainOwners: (domains) => directory.domainOwners(domains) },
    clock: systemClock,
    ids: systemIds,
    nextReference,
  }),
);

/**
 * The workflow steps. `outbox`: the step enqueues emails (it has the sealing key and REVIEW_TEAM_EMAIL). The
 * workflow, Cognito and the review team address are resolved on first use, so a step that uses none of
 * them needs none of their settings.
 */
export function stepDeps(opts: { outbox: boolean }): Promise<ApplyDeps> {
  return (opts.outbox ? outboxStepDeps : plainStepDeps)();
}

const buildStepDeps = async (sealer: Sealer): Promise<ApplyDeps> => {
  let workflow: ReviewWorkflow | undefined;
  let identity: IdentityProvider | undefined;
  return {
    store: dynamoReviewStore({ sealer, ids: systemIds, clock: systemClock }),
    get workflow() {
      return (workflow ??= reviewWorkflow());
    },
    orgs: reviewOrgDirectory,
    clock: systemClock,
    ids: systemIds,
    nextReference,
    get reviewTeamEmail() {
      return requireEnv(ENV.reviewTeamEmail);
    },
    principals: dynamoPrincipalStore,
    identity: { enable: (email: string) => (identity ??= cognitoIdentityProvider()).enable(email) },
  };
};
const outboxStepDeps = /* @__PURE__ */ once(async () => buildStepDeps(await getSealer()));
const plainStepDeps = /* @__PURE__ */ once(async () => buildStepDeps(noSealer));
