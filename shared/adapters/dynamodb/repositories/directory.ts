import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/domain/errors.ts';
import type { DomainOwner, Membership, Org, UserProfile } from '#shared/domain/identity/model.ts';
import { ET, Expr, type Item, putItem, send, tableName, transact, txPut, txUpdate } from '../commands.ts';
import { IDENTITY_ENTITY, domainItem, membershipItem, orgItem, userItem } from '../entities/identity.ts';
import { emailClaimItem } from '../entities/onboarding.ts';
import { keys } from '../keys.ts';

export interface DomainOwners {
  domain: string;
  owners: DomainOwner[];
}

const ownerOf = (org: Org): DomainOwner => ({ orgId: org.orgId, orgName: org.name, kind: org.kind, defaultRole: org.defaultRole });

/**
 * Orgs, their verified email domains, profiles and memberships.
 * P2 domain owners: BatchGetItem DOMAIN#<domain> (one batch for every suffix of an email's domain).
 * P3 org: ORG#<orgId> / PROFILE.
 */
/**
 * Creates an org owning `org.domains`, atomically: if any domain is already claimed the whole write fails
 * with a 409, so two concurrent claims of one new domain leave exactly one owner.
 */
export async function createOrg(org: Org) {
  try {
    await transact([
      txPut(orgItem(org), new Expr().exists('orgId', false)),
      ...org.domains.map((domain) => txPut(domainItem({ domain, owners: [ownerOf(org)], createdAt: org.createdAt }), new Expr().exists('domain', false))),
    ]);
  } catch (e) {
    if ((e as Error).name === 'TransactionCanceledException') {
      throw new ConflictError('domain_claimed', 'This organization or one of its domains is already registered.');
    }
    throw e;
  }
}

/** Adds a division of a company (or another public body) as a co-owner of an already claimed domain. */
export async function addDomainOwner(domain: string, org: Org) {
  const owners = new Expr().set({ domain }).append('owners', [ownerOf(org)]).setIfMissing({ [ET]: IDENTITY_ENTITY.domain }).exists('domain');
  try {
    await transact([txPut(orgItem(org), new Expr().exists('orgId', false)), txUpdate(keys.domain(domain), owners)]);
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
  // Read on every registration: only the two attributes, which map directly onto DomainOwners.
  const TableName = tableName();
  const { Responses } = await send<{ Responses?: Record<string, Item[]> }>(
    new BatchGetCommand({ RequestItems: { [TableName]: { Keys: domains.map((d) => keys.domain(d)), ConsistentRead: true, ProjectionExpression: '#d, #o', ExpressionAttributeNames: { '#d': 'domain', '#o': 'owners' } } } }),
  );
  return ((Responses?.[TableName] ?? []) as unknown as DomainOwners[]).map((d) => ({ domain: d.domain, owners: d.owners }));
}

/** A profile and the claim on its email, together (seeds, staff tooling; signup has its own transaction). */
export async function putProfile(profile: UserProfile) {
  await transact([txPut(userItem(profile)), txPut(emailClaimItem({ email: profile.email, userId: profile.userId, name: profile.name, locale: profile.locale }))]);
}

export async function putMembership(m: Membership) {
  await putItem(membershipItem(m));
}

/** The functions above as one object (seeds, tests, tooling). Handlers import the functions they use. */
export const directory = { createOrg, addDomainOwner, domainOwners, putProfile, putMembership };
