import type { Clock } from '#shared/lib/ids.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Principal, UserProfile } from '../identity/model.ts';
import { memberOf } from './common.ts';
import type { OrgDetails } from './model.ts';
import { type AccountStore, type ProfileChanges, RefusedWriteError } from './ports.ts';

/**
 * AC-1 the account header: the active org (name, access group, account type, SSO status, company details),
 * the caller's role in it, and every org the caller belongs to, with the active one marked. The front end
 * switches org by sending `X-Org-Id` (checked against the memberships by the HTTP layer; a foreign id
 * answers 404 like a missing one).
 */
export async function getAccount(auth: Principal, deps: { store: Pick<AccountStore, 'orgOverview'> }) {
  const active = memberOf(auth);
  const { org, details } = await deps.store.orgOverview(active.orgId);
  // A membership always points at an existing org; this guards data repaired by hand.
  if (!org) throw new NotFoundError('org_not_found', 'No such organization.', 'header.x-org-id');
  return {
    organization: {
      orgId: org.orgId,
      name: org.name,
      kind: org.kind,
      country: org.country,
      accessGroup: active.accessGroup,
      sso: ssoView(org.ssoEnabled),
      ...(details ? detailsView(details) : {}),
    },
    role: active.role,
    accountType: auth.tier,
    user: { userId: auth.userId, name: auth.name, email: auth.email },
    organizations: auth.memberships.map((m) => ({
      orgId: m.orgId,
      orgName: m.orgName,
      orgKind: m.orgKind,
      role: m.role,
      accessGroup: m.accessGroup,
      active: m.orgId === active.orgId,
    })),
  };
}

/** AC-2: SSO is configured per org by the vendor; the portal records and shows it. */
export const ssoView = (enabled: boolean) => ({
  enabled,
  managedBy: 'vendor' as const,
  ...(enabled ? {} : { howToEnable: 'Contact your account team to set up single sign-on for your organization.' }),
});

const detailsView = (d: OrgDetails) => ({
  ...(d.address ? { address: { ...d.address } } : {}),
  ...(d.phone ? { phone: d.phone } : {}),
});

/** AC-3: site admins maintain the org's company address and phone (its name and domains are the vendor's). */
export async function updateOrgDetails(
  input: { address: NonNullable<OrgDetails['address']>; phone?: string | undefined },
  auth: Principal,
  deps: { store: Pick<AccountStore, 'putOrgDetails'>; clock: Clock },
) {
  const org = memberOf(auth);
  const details: OrgDetails = { orgId: org.orgId, address: input.address, phone: input.phone, updatedAt: deps.clock.now().toISOString(), updatedBy: auth.userId };
  await deps.store.putOrgDetails(details);
  return { orgId: org.orgId, ...detailsView(details), updatedAt: details.updatedAt };
}

/** AC-3 profile: personal details, and the company details given at registration (ON-3). */
export function profileView(p: UserProfile) {
  const r = p.registration;
  return {
    userId: p.userId,
    name: p.name,
    email: p.email,
    locale: p.locale,
    ...(p.phone ? { phone: p.phone } : {}),
    tier: p.tier,
    ...(r
      ? {
          company: {
            relationship: r.relationship,
            company: r.company,
            jobTitle: r.jobTitle,
            phone: r.phone,
            country: r.country,
            siteAddress: { ...r.siteAddress },
          },
        }
      : {}),
  };
}

export const getProfile = (auth: Principal) => profileView(auth.profile);

/**
 * AC-3 / ON-7: name, phone and locale, and the job title and site address given at registration. The email
 * address changes through requestEmailChange/confirmEmailChange (it must be proven first).
 */
export async function updateProfile(changes: ProfileChanges, auth: Principal, deps: { store: Pick<AccountStore, 'updateProfile'>; clock: Clock }) {
  const touchesRegistration = changes.jobTitle !== undefined || changes.siteAddress !== undefined;
  if (touchesRegistration && !auth.profile.registration) {
    throw new ConflictError('registration_required', 'Company details come with your registration: register first (submitRegistration).', changes.jobTitle !== undefined ? 'body.jobTitle' : 'body.siteAddress');
  }
  try {
    return profileView(await deps.store.updateProfile(auth.profile, changes, deps.clock.now(), auth.memberships));
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') {
      throw new ConflictError('registration_required', 'Company details come with your registration: register first (submitRegistration).', 'body');
    }
    throw e;
  }
}
