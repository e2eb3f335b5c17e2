import type { Sealer } from '#shared/domain/email/ports.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import { OWNERS_HINT_FIELD } from '#shared/domain/onboarding/domain-owners.ts';
import type { EmailChangeStore, PendingEmailChange } from '#shared/domain/onboarding/email-change.ts';
import type { Locale } from '#shared/domain/shared/vocabulary.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { ET, Expr, cancellationReasons, txDelete, txPut, txUpdate } from '../commands.ts';
import { IDENTITY_ENTITY } from '../entities/identity.ts';
import { emailChangeItem, emailClaimItem } from '../entities/onboarding.ts';
import { keys } from '../keys.ts';
import { countCodeAttempt } from './code-attempt.ts';
import { knownMemberships, sameMemberships, transactWithMemberCopies, withOldOnFailure } from './directory.ts';
import { sendTransaction } from './onboarding.ts';
import { outboxPut } from './outbox.ts';

const epoch = (d: string | Date) => Math.floor(new Date(d).getTime() / 1000);

/** P25 email change, requesting side: USER#<id> / EMAIL_CHANGE written with the code email and counters. */
export function emailChangeRequests(deps: { sealer: Sealer; ids: Ids; clock: Clock }): Pick<EmailChangeStore, 'begin'> {
  return {
    async begin(change, mail, limits) {
      // The same counted, rate-limited send transaction as signup codes.
      await sendTransaction(limits, [txPut(emailChangeItem(change, epoch(new Date()) + 3600)), outboxPut(mail, deps)]);
    },
  };
}

/** P25 email change, confirming side: one attempt (atomic), then one transaction moving the claim (P23's items). */
export const emailChangeConfirmations: Pick<EmailChangeStore, 'registerAttempt' | 'complete'> = {
  registerAttempt: (userId, now, max) => countCodeAttempt<PendingEmailChange>(keys.emailChange(userId), now, max),

  async complete({ userId, oldEmail, newEmail, codeId, name, locale, emailDomain, freeMail, now, memberships, membershipsVersion }) {
    const profile = (version: number | undefined) =>
      sameMemberships(
        new Expr()
          // The profile's gsi1 entry (P4, the user by email) moves with the address.
          .set({ userId, email: newEmail, emailDomain, freeMail, updatedAt: now.toISOString(), ...keys.userByEmail(newEmail) })
          .setIfMissing({ [ET]: IDENTITY_ENTITY.user })
          // The domain owners snapshot was of the old address's domain: gone (the next registration reads P2
          // and stores a new one). No read here to refresh it with.
          .remove(OWNERS_HINT_FIELD)
          .exists('userId'),
        version,
      );
    try {
      // The address is copied onto every membership (the org's user list, P52): the copies move with it.
      await transactWithMemberCopies(userId, knownMemberships({ membershipsVersion }, memberships), { userEmail: newEmail }, (version) => ({
        items: [
          txPut(emailClaimItem({ email: newEmail, userId, name, locale: locale as Locale }), new Expr().exists('email', false)),
          txDelete(keys.emailClaim(oldEmail)),
          withOldOnFailure(txUpdate(keys.user(userId), profile(version))),
          txDelete(keys.emailChange(userId), new Expr().equals('codeId', codeId)),
        ],
        profileIndex: 2,
      }));
    } catch (e) {
      if (cancellationReasons(e)) throw new ConflictError('email_unavailable', 'This address cannot be used for your account. Choose another one.', 'body.code');
      throw e;
    }
  },
};
