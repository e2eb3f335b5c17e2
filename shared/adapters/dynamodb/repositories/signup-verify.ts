import { ValidationError } from '#shared/domain/errors.ts';
import type { PendingSignup, VerifyStore } from '#shared/domain/onboarding/signup.ts';
import { ET, Expr, cancellationReasons, isConditionFailure, strip, transact, txDelete, txPut, updateItem } from '../commands.ts';
import { userItem } from '../entities/identity.ts';
import { ONBOARDING_ENTITY, emailClaimItem } from '../entities/onboarding.ts';
import { keys } from '../keys.ts';

/**
 * The verification half of the signup store (kept apart so verifySignupCode's bundle carries only these).
 * P21 attempt: one conditional UpdateItem on SIGNUP#<email> returning the item; then P23, one transaction.
 */
export const dynamoVerifyStore: VerifyStore = {
  async registerAttempt(email, now, maxAttempts) {
    // Atomic: the count and the checks are one conditional write, however many guesses run in parallel.
    const x = new Expr().set({ email }).setIfMissing({ [ET]: ONBOARDING_ENTITY.signup }).add('attempts', 1).exists('email');
    x.when(`${x.name('attempts')} < ${x.value(maxAttempts)}`).when(`${x.name('codeExpiresAt')} > ${x.value(now.toISOString())}`);
    try {
      const item = await updateItem(keys.signup(email), x, true);
      return item ? strip<PendingSignup>(item) : undefined;
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  },

  async completeSignup(profile, codeId) {
    try {
      await transact([
        txPut(userItem(profile), new Expr().exists('userId', false)),
        txPut(emailClaimItem({ email: profile.email, userId: profile.userId, name: profile.name, locale: profile.locale }), new Expr().exists('email', false)),
        txDelete(keys.signup(profile.email), new Expr().equals('codeId', codeId)),
      ]);
    } catch (e) {
      // A parallel verification of the same code won, or a resend replaced the code meanwhile: single use.
      if (cancellationReasons(e)) throw new ValidationError('invalid_code', 'This code is not valid (wrong, expired or already used). Request a new one.', 'body.code');
      throw e;
    }
  },
};
