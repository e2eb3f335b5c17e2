import type { Clock } from '#shared/lib/ids.ts';
import type { EmailRequest } from '../email/ports.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../errors.ts';
import type { Membership, Principal, UserProfile } from '../identity/model.ts';
import type { ReviewReceipt } from '../reviews/model.ts';

/**
 * BI-5: cancelling and reactivating an account. Cancelling is per USER account (the help-center FAQ's
 * "your account"): the organization, its other members and its invoices are untouched. It needs a
 * confirmation - the current password (checked with Cognito) or the typed phrase - then signs the user out
 * everywhere and disables the Cognito identity (so no new token can be obtained), and marks the profile
 * cancelled (so a token issued before is refused with 403 `account_inactive` on the next request).
 * Reactivating: a free-trial (Basic tier) account at once with its password; a paid account (Limited,
 * Enterprise, Partner) files a `reactivation` review that staff decide (the review workflow re-enables it).
 */

export const CANCEL_PHRASE = 'CANCEL MY ACCOUNT';

export interface AccountLifecycleIdentity {
  /** True when Cognito accepts the password for this (enabled) identity. */
  verifyPassword(email: string, password: string): Promise<boolean>;
  signOutEverywhere(email: string): Promise<void>;
  disable(email: string): Promise<void>;
  enable(email: string): Promise<void>;
  findUserId(email: string): Promise<string | undefined>;
}

export interface AccountStatusStore {
  /** Sets the profile's status if it is one of `from`, with the email in the same transaction; false if not. */
  setStatus(userId: string, from: readonly UserProfile['status'][], to: UserProfile['status'], at: string, email?: EmailRequest): Promise<boolean>;
  load(userId: string): Promise<{ profile: UserProfile; memberships: Membership[] } | undefined>;
}

export async function cancelAccount(
  input: { password?: string | undefined; confirmation?: string | undefined },
  auth: Principal,
  deps: { identity: AccountLifecycleIdentity; store: AccountStatusStore; clock: Clock },
) {
  if (input.password === undefined && input.confirmation === undefined) {
    throw new ValidationError('confirmation_required', `Confirm with your password, or type "${CANCEL_PHRASE}" as confirmation.`, 'body.confirmation');
  }
  if (input.password !== undefined) {
    if (!(await deps.identity.verifyPassword(auth.email, input.password))) throw new ForbiddenError('confirmation_failed', 'This password is not correct.', 'body.password');
  } else if ((input.confirmation ?? '').trim().toUpperCase() !== CANCEL_PHRASE) {
    throw new ValidationError('confirmation_mismatch', `Type "${CANCEL_PHRASE}" exactly to confirm.`, 'body.confirmation');
  }
  // Cognito first (both calls are idempotent): if the profile write fails, a retry still finds the account active.
  await deps.identity.signOutEverywhere(auth.email);
  await deps.identity.disable(auth.email);
  const at = deps.clock.now().toISOString();
  await deps.store.setStatus(auth.userId, ['active'], 'cancelled', at, { template: 'account_cancelled', locale: auth.locale, to: auth.email, data: { name: auth.name } });
  return { status: 'cancelled' as const, cancelledAt: at };
}

const badCredentials = () => new UnauthenticatedError('invalid_credentials', 'Wrong email or password, or no cancelled account with this email.');

/** Free trial = the Basic tier: reactivated at once. Every other tier is a paid account. */
export const isFreeTrial = (p: Pick<UserProfile, 'tier'>) => p.tier === 'basic';

export async function reactivateAccount(
  input: { email: string; password: string },
  deps: {
    identity: AccountLifecycleIdentity;
    store: AccountStatusStore;
    clock: Clock;
    /** Files the staff review of a paid account (startReview('reactivation', ...)). */
    fileReview: (applicant: { profile: UserProfile; memberships: Membership[] }) => Promise<ReviewReceipt>;
  },
): Promise<{ status: 'active' } | { status: 'pending_review'; reference: string }> {
  const userId = await deps.identity.findUserId(input.email);
  const loaded = userId ? await deps.store.load(userId) : undefined;
  // The same answer for an unknown address, an active account and a wrong password (no enumeration).
  if (!loaded || loaded.profile.status !== 'cancelled') throw badCredentials();
  const { profile } = loaded;
  // A cancelled identity is disabled in Cognito, which refuses every sign-in: enable it for the check only.
  await deps.identity.enable(profile.email);
  let ok = false;
  try {
    ok = await deps.identity.verifyPassword(profile.email, input.password);
  } finally {
    if (!ok || !isFreeTrial(profile)) {
      await deps.identity.signOutEverywhere(profile.email);
      await deps.identity.disable(profile.email);
    }
  }
  if (!ok) throw badCredentials();
  if (isFreeTrial(profile)) {
    await deps.store.setStatus(profile.userId, ['cancelled'], 'active', deps.clock.now().toISOString());
    return { status: 'active' };
  }
  if (profile.pendingReview?.kind === 'reactivation') return { status: 'pending_review', reference: profile.pendingReview.reference };
  const receipt = await deps.fileReview(loaded);
  return { status: 'pending_review', reference: receipt.reference };
}
