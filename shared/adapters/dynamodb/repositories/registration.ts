import type { Sealer } from '#shared/domain/email/ports.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { RegistrationStore } from '#shared/domain/onboarding/registration.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { ET, Expr, cancellationReasons, transact, txPut, txUpdate, updateItem } from '../commands.ts';
import { IDENTITY_ENTITY, membershipItem } from '../entities/identity.ts';
import { keys } from '../keys.ts';
import { domainOwners } from './directory.ts';
import { outboxPut } from './outbox.ts';

/**
 * P2 (domain owners, one BatchGet over the suffixes), then one write: P1's profile item updated alone, or
 * together with the new membership and the confirmation email in one transaction (P24).
 */
export function dynamoRegistrationStore(deps: { sealer: Sealer; ids: Ids; clock: Clock }): RegistrationStore {
  return {
    domainOwners,

    async saveRegistration(userId, registration, tier, candidates, now) {
      // The maps are replaced whole (SET of the attribute, not of paths inside a map that may not exist).
      const x = new Expr().set({ userId, registration, tier, updatedAt: now.toISOString() }).setIfMissing({ [ET]: IDENTITY_ENTITY.user }).exists('userId');
      if (candidates) x.set({ orgCandidates: candidates });
      else x.remove('orgCandidates');
      await updateItem(keys.user(userId), x);
    },

    async join({ membership, registration, tier, email, now }) {
      const profile = new Expr()
        .set({ userId: membership.userId, registration, tier, primaryOrgId: membership.orgId, updatedAt: now.toISOString() })
        .setIfMissing({ [ET]: IDENTITY_ENTITY.user })
        .remove('orgCandidates')
        .exists('userId');
      try {
        await transact([
          txPut(membershipItem(membership), new Expr().exists('orgId', false)),
          txUpdate(keys.user(membership.userId), profile),
          outboxPut(email, deps),
        ]);
      } catch (e) {
        if (cancellationReasons(e)) throw new ConflictError('already_member', 'This account already belongs to this organization.');
        throw e;
      }
    },
  };
}
