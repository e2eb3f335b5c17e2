import type { Sealer } from '#shared/domain/email/ports.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import { type DomainOwnersSnapshot, OWNERS_HINT_FIELD, type OwnersBasis, StaleOwnersError } from '#shared/domain/onboarding/domain-owners.ts';
import { domainSuffixes } from '#shared/domain/onboarding/email-domains.ts';
import type { RegistrationStore } from '#shared/domain/onboarding/registration.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { type CancellationReason, ET, Expr, type TransactItem, cancellationReasons, transact, txCheck, txPut, txUpdate, updateItem } from '../commands.ts';
import { IDENTITY_ENTITY, membershipItem } from '../entities/identity.ts';
import { keys } from '../keys.ts';
import { copiesMoved, domainOwners, joiningProfile, requireCopies, withCurrentCopies, withOldOnFailure } from './directory.ts';
import { outboxPut } from './outbox.ts';

/**
 * One ConditionCheck per suffix of the snapshot's domain: the owner item (P2) is still exactly as recorded,
 * every attribute of every owner included (`owners` compared whole), or still absent where it was absent.
 */
export function snapshotChecks(snapshot: DomainOwnersSnapshot): TransactItem[] {
  return domainSuffixes(snapshot.domain).map((d) => {
    const found = snapshot.found.find((f) => f.domain === d);
    const x = new Expr();
    return txCheck(keys.domain(d), found ? x.exists('domain').equals('owners', found.owners) : x.exists('domain', false));
  });
}

/** Whether any of the `count` snapshot checks placed at `from` in the transaction was refused (or contended). */
export const snapshotRefused = (reasons: CancellationReason[], from: number, count: number) =>
  reasons.slice(from, from + count).some((r) => r.Code !== undefined && r.Code !== 'None');

/**
 * The write's part of the basis: the snapshot's checks (appended to the transaction) or the fresh read to
 * store on the profile (SET on the profile's update, no extra call).
 */
function basisOf(owners: OwnersBasis, profile: Expr): TransactItem[] {
  if (owners.source === 'snapshot') return snapshotChecks(owners.snapshot);
  profile.set({ [OWNERS_HINT_FIELD]: owners.snapshot });
  return [];
}

/** Runs `writes` + `checks`: a refused check throws StaleOwnersError (the use case reads P2 and decides again). */
async function transactChecked(writes: TransactItem[], checks: TransactItem[], onCancelled: (e: unknown) => never) {
  try {
    await transact([...writes, ...checks]);
  } catch (e) {
    const reasons = cancellationReasons(e);
    if (reasons && checks.length > 0 && snapshotRefused(reasons, writes.length, checks.length)) {
      throw new StaleOwnersError('the domain owners changed since the snapshot');
    }
    onCancelled(e);
  }
}

/**
 * Decided from the profile's snapshot: one transaction, the write plus a ConditionCheck per suffix of the
 * domain (P2's keys), P1 + this = 2 calls. Decided from a read (no snapshot, or it was stale): P2 (one
 * BatchGet over the suffixes), then one write that also stores the read on the profile as the new snapshot:
 * P1's profile item updated alone, or with the new membership and the confirmation email (P24).
 */
export function dynamoRegistrationStore(deps: { sealer: Sealer; ids: Ids; clock: Clock }): RegistrationStore {
  return {
    domainOwners,

    async saveRegistration(userId, registration, tier, candidates, now, owners) {
      // The maps are replaced whole (SET of the attribute, not of paths inside a map that may not exist).
      const x = new Expr().set({ userId, registration, tier, updatedAt: now.toISOString() }).setIfMissing({ [ET]: IDENTITY_ENTITY.user }).exists('userId');
      if (candidates) x.set({ orgCandidates: candidates });
      else x.remove('orgCandidates');
      const checks = basisOf(owners, x);
      if (checks.length === 0) {
        await updateItem(keys.user(userId), x);
        return;
      }
      await transactChecked([txUpdate(keys.user(userId), x)], checks, (e) => {
        throw e;
      });
    },

    async join({ membership, registration, tier, email, now, owners }) {
      // The membership carries its member's name and email (the org's user list): the profile update holds
      // only while they are the profile's (joiningProfile); renamed meanwhile, the join runs again with them.
      await withCurrentCopies(requireCopies(membership), 1, async (copies) => {
        const member = { ...membership, ...copies };
        const profile = joiningProfile(
          new Expr()
            .set({ userId: membership.userId, registration, tier, primaryOrgId: membership.orgId, updatedAt: now.toISOString() })
            .setIfMissing({ [ET]: IDENTITY_ENTITY.user })
            .remove('orgCandidates')
            .exists('userId'),
          member,
        );
        const checks = basisOf(owners, profile);
        const writes = [txPut(membershipItem(member), new Expr().exists('orgId', false)), withOldOnFailure(txUpdate(keys.user(membership.userId), profile)), outboxPut(email, deps)];
        await transactChecked(writes, checks, (e) => {
          if (copiesMoved(e, 1, copies)) throw e;
          if (cancellationReasons(e)) throw new ConflictError('already_member', 'This account already belongs to this organization.');
          throw e;
        });
      });
    },
  };
}
