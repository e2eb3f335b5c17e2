import type { Membership, PrincipalStore, UserProfile } from '#shared/domain/identity/model.ts';
import { ET, query, strip } from '../commands.ts';
import { IDENTITY_ENTITY } from '../entities/identity.ts';
import { keys } from '../keys.ts';

/**
 * Access pattern P1: a user's profile and memberships in one Query on USER#<userId>, for every signed-in
 * request. A plain Query whose items (built by entities/identity.ts) map one to one onto the domain types.
 */
export const dynamoPrincipalStore: PrincipalStore = {
  async load(userId) {
    const { Items } = await query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId) },
      ConsistentRead: true,
    });
    let profile: UserProfile | undefined;
    const memberships: Membership[] = [];
    for (const it of Items) {
      const type = it[ET];
      if (type === IDENTITY_ENTITY.user) profile = strip<UserProfile>(it);
      else if (type === IDENTITY_ENTITY.membership) memberships.push(strip<Membership>(it));
    }
    return profile ? { profile, memberships } : undefined;
  },
};
