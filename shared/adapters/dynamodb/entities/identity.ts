import type { DomainOwner, Membership, Org, UserProfile } from '#shared/domain/identity/model.ts';
import { ET, type Item } from '../commands.ts';
import { keys } from '../keys.ts';

/** The `_et` of each identity item. */
export const IDENTITY_ENTITY = { user: 'User', membership: 'Membership', org: 'Org', domain: 'Domain' } as const;

/** USER#<userId> / PROFILE, projected to gsi1 as EMAIL#<email> / USER. */
export function userItem(user: UserProfile): Item {
  return { ...keys.user(user.userId), [ET]: IDENTITY_ENTITY.user, ...user, ...keys.userByEmail(user.email) };
}

/**
 * USER#<userId> / MEMBER#<orgId>, projected to gsi1 as ORG#<orgId> / MEMBER#<userId>: the org's user list,
 * which shows the member's name and email from the membership's copies (`userName`, `userEmail`). A
 * membership is never written without them.
 */
export function membershipItem(m: Membership): Item {
  if (typeof m.userName !== 'string' || typeof m.userEmail !== 'string') {
    throw new Error(`membership ${m.userId}/${m.orgId} written without its member copies (userName, userEmail)`);
  }
  return { ...keys.membership(m.userId, m.orgId), [ET]: IDENTITY_ENTITY.membership, ...m, ...keys.membershipByOrg(m.orgId, m.userId) };
}

/** ORG#<orgId> / PROFILE, projected to gsi1 as ORG#<orgId> / #ORG: first in the org's user list (P52). */
export function orgItem(org: Org): Item {
  return { ...keys.org(org.orgId), [ET]: IDENTITY_ENTITY.org, ...org, ...keys.orgInDirectory(org.orgId) };
}

/** DOMAIN#<domain> / DOMAIN: the orgs owning a verified email domain (one, or several divisions). */
export interface DomainRecord {
  domain: string;
  owners: DomainOwner[];
  createdAt: string;
}

export function domainItem(d: DomainRecord): Item {
  return { ...keys.domain(d.domain), [ET]: IDENTITY_ENTITY.domain, ...d };
}
