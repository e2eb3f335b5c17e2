import { QueryCommand } from 'dynamodb-toolbox/table/actions/query';
import type { Membership, PrincipalStore, UserProfile } from '#shared/domain/identity/model.ts';
import { MembershipEntity, UserEntity } from '../entities/identity.ts';
import { keys } from '../keys.ts';
import { table } from '../table.ts';

/** Access pattern P1: a user's profile and memberships in one Query on USER#<userId>. */
export const dynamoPrincipalStore: PrincipalStore = {
  async load(userId) {
    const { Items = [] } = await table()
      .build(QueryCommand)
      .entities(UserEntity, MembershipEntity)
      .query({ partition: keys.userPartition(userId) })
      .options({ consistent: true, maxPages: Infinity })
      .send();
    let profile: UserProfile | undefined;
    const memberships: Membership[] = [];
    for (const it of Items) {
      if ('orgId' in it) memberships.push(it);
      else profile = it;
    }
    return profile ? { profile, memberships } : undefined;
  },
};
