import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate';
import { execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { $remove, $set, UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update';
import type { Sealer } from '#shared/domain/email/ports.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { RegistrationStore } from '#shared/domain/onboarding/registration.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { MembershipEntity, UserEntity } from '../entities/identity.ts';
import { cancellationReasons } from '../idempotent-write.ts';
import { table } from '../table.ts';
import { domainOwners } from './directory.ts';
import { outboxPut } from './outbox.ts';

/**
 * P2 (domain owners, one BatchGet over the suffixes), then one write: P1's profile item updated alone, or
 * together with the new membership and the confirmation email in one transaction.
 */
export function dynamoRegistrationStore(deps: { sealer: Sealer; ids: Ids; clock: Clock }): RegistrationStore {
  return {
    domainOwners,

    async saveRegistration(userId, registration, tier, candidates, now) {
      table();
      await UserEntity.build(UpdateItemCommand)
        .item({
          userId,
          // $set: replace the maps whole (the default would update paths inside a map that may not exist).
          registration: $set(registration),
          tier,
          orgCandidates: candidates ? $set(candidates) : $remove(),
          updatedAt: now.toISOString(),
        })
        .options({ condition: { attr: 'userId', exists: true } })
        .send();
    },

    async join({ membership, registration, tier, email, now }) {
      table();
      try {
        await execute(
          MembershipEntity.build(PutTransaction).item(membership).options({ condition: { attr: 'orgId', exists: false } }),
          UserEntity.build(UpdateTransaction)
            .item({
              userId: membership.userId,
              registration: $set(registration),
              tier,
              primaryOrgId: membership.orgId,
              orgCandidates: $remove(),
              updatedAt: now.toISOString(),
            })
            .options({ condition: { attr: 'userId', exists: true } }),
          outboxPut(email, deps),
        );
      } catch (e) {
        if (cancellationReasons(e)) throw new ConflictError('already_member', 'This account already belongs to this organization.');
        throw e;
      }
    },
  };
}
