import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate';
import { $append } from 'dynamodb-toolbox/entity/actions/update';
import { execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '#shared/config/env.ts';
import { documentClient } from '../client.ts';
import { keys } from '../keys.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { DomainOwner, Membership, Org, UserProfile } from '#shared/domain/identity/model.ts';
import { DomainEntity, MembershipEntity, OrgEntity, UserEntity } from '../entities/identity.ts';
import { EmailClaimEntity } from '../entities/onboarding.ts';
import { table } from '../table.ts';

export interface DomainOwners {
  domain: string;
  owners: DomainOwner[];
}

const ownerOf = (org: Org): DomainOwner => ({ orgId: org.orgId, orgName: org.name, kind: org.kind, defaultRole: org.defaultRole });

/**
 * Orgs, their verified email domains, profiles and memberships.
 * P2 domain owners: GetItem/BatchGet DOMAIN#<domain> (one batch for every suffix of an email's domain).
 * P3 org: GetItem ORG#<orgId> / PROFILE.
 */
/**
 * Creates an org owning `org.domains`, atomically: if any domain is already claimed the whole write fails
 * with a 409, so two concurrent claims of one new domain leave exactly one owner.
 */
export async function createOrg(org: Org) {
  table();
  try {
    await execute(
      OrgEntity.build(PutTransaction).item(org).options({ condition: { attr: 'orgId', exists: false } }),
      ...org.domains.map((domain) =>
        DomainEntity.build(PutTransaction)
          .item({ domain, owners: [ownerOf(org)], createdAt: org.createdAt })
          .options({ condition: { attr: 'domain', exists: false } }),
      ),
    );
  } catch (e) {
    if ((e as Error).name === 'TransactionCanceledException') {
      throw new ConflictError('domain_claimed', 'This organization or one of its domains is already registered.');
    }
    throw e;
  }
}

/** Adds a division of a company (or another public body) as a co-owner of an already claimed domain. */
export async function addDomainOwner(domain: string, org: Org) {
  table();
  try {
    await execute(
      OrgEntity.build(PutTransaction).item(org).options({ condition: { attr: 'orgId', exists: false } }),
      DomainEntity.build(UpdateTransaction)
        .item({ domain, owners: $append([ownerOf(org)]) })
        .options({ condition: { attr: 'domain', exists: true } }),
    );
  } catch (e) {
    if ((e as Error).name === 'TransactionCanceledException') {
      throw new ConflictError('domain_not_claimed', 'The organization exists already or the domain has no owner yet.');
    }
    throw e;
  }
}

/** The owners of each of the given domains that has any, in one BatchGetItem (at most 100 keys). */
export async function domainOwners(domains: string[]): Promise<DomainOwners[]> {
  if (domains.length === 0) return [];
  // A plain BatchGetItem (read on every registration): the items map directly onto DomainOwners.
  const TableName = requireEnv(ENV.tableName);
  const { Responses } = await documentClient().send(
    new BatchGetCommand({ RequestItems: { [TableName]: { Keys: domains.map((d) => keys.domain(d)), ConsistentRead: true, ProjectionExpression: '#d, #o', ExpressionAttributeNames: { '#d': 'domain', '#o': 'owners' } } } }),
  );
  return ((Responses?.[TableName] ?? []) as DomainOwners[]).map((d) => ({ domain: d.domain, owners: d.owners }));
}

/** A profile and the claim on its email, together (seeds, staff tooling; signup has its own transaction). */
export async function putProfile(profile: UserProfile) {
  table();
  await execute(
    UserEntity.build(PutTransaction).item(profile),
    EmailClaimEntity.build(PutTransaction).item({ email: profile.email, userId: profile.userId, name: profile.name, locale: profile.locale }),
  );
}

export async function putMembership(m: Membership) {
  table();
  await MembershipEntity.build(PutItemCommand).item(m).send();
}

/** The functions above as one object (seeds, tests, tooling). Handlers import the functions they use. */
export const directory = { createOrg, addDomainOwner, domainOwners, putProfile, putMembership };
