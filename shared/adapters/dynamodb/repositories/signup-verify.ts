import { ValidationError } from '#shared/domain/errors.ts';
import type { PendingSignup, VerifyStore } from '#shared/domain/onboarding/signup.ts';
import { Expr, cancellationReasons, transact, txDelete, txPut } from '../commands.ts';
import { userItem } from '../entities/identity.ts';
import { emailClaimItem } from '../entities/onboarding.ts';
import { keys } from '../keys.ts';
import { countCodeAttempt } from './code-attempt.ts';

/**
 * The verification half of the signup store (kept apart so verifySignupCode's bundle carries only these).
 * P21 attempt: one conditional UpdateItem on SIGNUP#<email> returning the item; then P23, one transaction.
 * The profile P23 creates carries the signup's domain owners snapshot (`domainOwners`), so registration's
 * principal load (P1) brings it without a read of the owners.
 */
export const dynamoVerifyStore: VerifyStore = {
  registerAttempt: (email, now, maxAttempts) => countCodeAttempt<PendingSignup>(keys.signup(email), now, maxAttempts),

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
