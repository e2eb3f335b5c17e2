import type { DomainOwner, Org, Relationship } from '#shared/domain/identity/model.ts';
import { type RegistrationStore, candidatesFor } from '#shared/domain/onboarding/registration.ts';
import { domainSuffixes } from '#shared/domain/onboarding/email-domains.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { OrgDirectory } from './ports.ts';

export type OwnersBySuffix = { domain: string; owners: DomainOwner[] }[];

/**
 * The orgs owning `domain` (its longest registered suffix) that registration matching would attach an
 * applicant with this relationship to: the onboarding rule itself (candidatesFor), applied to owners read
 * already. Owners of another kind (a partner org for a customer employee, anything for a prospective
 * partner) do not count: such applicants go to review, and their approved org co-owns the domain.
 */
export function joinableOwners(domain: string, relationship: Relationship, found: OwnersBySuffix): Promise<DomainOwner[]> {
  const view: Pick<RegistrationStore, 'domainOwners'> = { domainOwners: async () => found };
  return candidatesFor(domain, relationship, view as RegistrationStore);
}

/**
 * Gives an approved org its domain: the new owner of an unowned domain, or a further owner beside orgs the
 * applicant could not have joined. 'joinable': an org the applicant can join owns it by now, so the approval
 * cannot be applied as decided. Safe to retry: the org id is derived from the review, and an org found under
 * it is this step's own earlier work. If the domain changes between the read and the write, the step fails
 * and its retry decides again on fresh owners.
 */
export async function placeOrg(org: Org, relationship: Relationship, orgs: OrgDirectory): Promise<'placed' | 'joinable'> {
  if (await orgs.getOrg(org.orgId)) return 'placed';
  const domain = org.domains[0];
  if (domain === undefined) {
    await orgs.createOrg(org);
    return 'placed';
  }
  const found = await orgs.domainOwners(domainSuffixes(domain));
  if ((await joinableOwners(domain, relationship, found)).length > 0) return 'joinable';
  const owned = found.some((f) => f.domain === domain && f.owners.length > 0);
  try {
    if (owned) await orgs.addDomainOwner(domain, org);
    else await orgs.createOrg(org);
  } catch (e) {
    if (e instanceof ConflictError && (await orgs.getOrg(org.orgId))) return 'placed';
    throw e;
  }
  return 'placed';
}
