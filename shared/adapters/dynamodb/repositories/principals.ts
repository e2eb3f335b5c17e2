import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '#shared/config/env.ts';
import type { Membership, PrincipalStore, UserProfile } from '#shared/domain/identity/model.ts';
import { documentClient } from '../client.ts';
import { keys } from '../keys.ts';
import { TABLE_KEYS } from '../table-def.ts';

/** Attributes of the stored items that are keys or bookkeeping, not part of the domain objects. */
const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', TABLE_KEYS.entityType, TABLE_KEYS.ttl];

function strip<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...item };
  for (const a of STORAGE_ATTRIBUTES) delete out[a];
  return out as T;
}

/**
 * Access pattern P1: a user's profile and memberships in one Query on USER#<userId>, for every signed-in
 * request. A plain DocumentClient query rather than the entity layer: it runs on every request, and the
 * items (written through UserEntity/MembershipEntity) map one to one onto the domain types, so the saving
 * in per-request work and bundle size (~10 KB in every authenticated handler) costs no type safety at the
 * boundary that matters (the writes).
 */
export const dynamoPrincipalStore: PrincipalStore = {
  async load(userId) {
    const { Items = [] } = await documentClient().send(
      new QueryCommand({
        TableName: requireEnv(ENV.tableName),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.userPartition(userId) },
        ConsistentRead: true,
      }),
    );
    let profile: UserProfile | undefined;
    const memberships: Membership[] = [];
    for (const it of Items) {
      const type = it[TABLE_KEYS.entityType];
      if (type === 'User') profile = strip<UserProfile>(it);
      else if (type === 'Membership') memberships.push(strip<Membership>(it));
    }
    return profile ? { profile, memberships } : undefined;
  },
};
