import type { Clock } from '#shared/lib/ids.ts';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionError, ValidationError } from '../errors.ts';
import { ACCESS_GROUP, type Membership, type Principal, TIER_OF_KIND, memberCopiesOf } from '../identity/model.ts';
import { type EmailDomainClassifier, domainOf } from '../onboarding/email-domains.ts';
import type { IdempotencyContext } from '../shared/idempotency.ts';
import type { Locale, OrgRole } from '../shared/vocabulary.ts';
import { ssoView } from './account.ts';
import { type Cursors, DAY_MS, memberOf, pageOf, pager, requireIdempotency } from './common.ts';
import { INVITATION_TTL_DAYS, type Invitation } from './model.ts';
import { type DirectoryStore, RefusedWriteError } from './ports.ts';

/**
 * AC-2: site admins manage the users of their org. Membership items are the identity context's (one per
 * user and org, projected to the org's user list); invitations sit beside them in that list until used.
 * The org never loses its last site admin: demoting or removing one needs proof, inside the same
 * transaction, that another site admin remains.
 */

const userNotFound = () => new NotFoundError('user_not_found', 'No such user in this organization.', 'path.userId');
const lastAdmin = () =>
  new ConflictError('last_site_admin', 'The organization must keep at least one site admin: make someone else site admin first.', 'path.userId');

export function invitationView(i: Invitation) {
  return {
    orgId: i.orgId,
    orgName: i.orgName,
    email: i.email,
    role: i.role,
    invitedBy: { name: i.invitedBy.name },
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
  };
}

/** A member as the org's user list shows them: name and email from the membership's copies of the profile's. */
export function memberView(m: Membership, auth: Principal) {
  return {
    userId: m.userId,
    ...(m.userName !== undefined && m.userEmail !== undefined ? { name: m.userName, email: m.userEmail } : {}),
    role: m.role,
    joinedAt: m.joinedAt,
    you: m.userId === auth.userId,
  };
}

/**
 * The org's users and pending invitations, one page of the org's user list, with the org's SSO status: one
 * Query (P52), the members' names and emails copied on their memberships. The first page reads the org item
 * in the same Query (it sorts first); the signed cursor of the next page carries the SSO status it read.
 */
export async function listOrgUsers(
  q: { limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: { store: Pick<DirectoryStore, 'listOrgDirectory'>; cursors: Cursors; clock: Clock },
) {
  const org = memberOf(auth);
  const pages = pager(deps.cursors, 'account-users', org.orgId, auth.userId);
  const after = directoryCursor(await pages.decode(q.cursor));
  const page = await deps.store.listOrgDirectory(org.orgId, q.limit, after?.k);
  const ssoEnabled = after ? after.sso : (page.org?.ssoEnabled ?? false);
  const now = deps.clock.now().toISOString();
  const nextCursor = page.lastKey ? await pages.encode({ k: page.lastKey, sso: ssoEnabled }) : undefined;
  return {
    sso: ssoView(ssoEnabled),
    members: page.members.map((m) => memberView(m, auth)),
    // Expired invitations stay in the list until their TTL removes them; they are not pending any more.
    invitations: page.invitations.filter((i) => i.expiresAt > now).map(invitationView),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

/** A user-list cursor as signed: the last key read and the org's SSO status from the first page. */
function directoryCursor(raw: Record<string, unknown> | undefined): { k: Record<string, unknown>; sso: boolean } | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw.k !== 'object' || raw.k === null || typeof raw.sso !== 'boolean') {
    throw new ValidationError('invalid_cursor', 'This cursor is invalid here; start again from the first page.', 'query.cursor');
  }
  return { k: raw.k as Record<string, unknown>, sso: raw.sso };
}

/** Where an invitation email sends the invitee: the portal's sign-up page (sign-in works the same). */
export const invitationUrl = (portalUrl: string, orgId: string) => `${portalUrl.replace(/\/$/, '')}/signup?invitation=${encodeURIComponent(orgId)}`;

/**
 * Invites an address to the org with a role: the invitation (replacing a pending one for the same address)
 * and its email leave in one transaction, so the email exists if and only if the invitation does. The
 * invitee joins with that role on signing up or signing in with that address and calling acceptInvitation.
 * Free-mail and disposable addresses never get company access (ON-1), so they cannot be invited.
 */
export async function inviteOrgUser(
  input: { email: string; role: OrgRole; locale?: Locale | undefined },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: { store: Pick<DirectoryStore, 'putInvitation'>; classifier: EmailDomainClassifier; clock: Clock; portalUrl: string },
) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const email = input.email.trim().toLowerCase();
  if (email === auth.email.toLowerCase()) throw new ConflictError('already_member', 'You already belong to this organization.', 'body.email');
  if ((await deps.classifier.classify(domainOf(email))) !== 'business') {
    throw new PreconditionError('business_email_required', 'Only business email addresses can be invited: free-mail and disposable addresses never get company access.', 'body.email');
  }
  const now = deps.clock.now();
  const invitation: Invitation = {
    orgId: org.orgId,
    orgName: org.orgName,
    orgKind: org.orgKind,
    email,
    role: input.role,
    locale: input.locale ?? auth.locale,
    invitedBy: { userId: auth.userId, name: auth.name },
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS).toISOString(),
  };
  const view = invitationView(invitation);
  const out = await deps.store.putInvitation(
    invitation,
    {
      template: 'org_invite',
      locale: invitation.locale,
      to: email,
      data: { inviterName: auth.name, orgName: org.orgName, role: input.role, signupUrl: invitationUrl(deps.portalUrl, org.orgId), expiresInDays: INVITATION_TTL_DAYS },
    },
    idempotency,
    { status: 201, body: view },
    now,
  );
  return out.response.body as typeof view;
}

export async function revokeInvitation(email: string, auth: Principal, deps: { store: Pick<DirectoryStore, 'deleteInvitation'> }) {
  const org = memberOf(auth);
  try {
    await deps.store.deleteInvitation(org.orgId, email.trim().toLowerCase());
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') throw new NotFoundError('invitation_not_found', 'No pending invitation for this address.', 'path.email');
    throw e;
  }
}

/**
 * Changes a member's role. The common case is one conditional write that also refuses to touch a site
 * admin; demoting a site admin then reads the org's admins and demotes in one transaction that checks that
 * another of them is still site admin (retrying with the next one if the index lagged).
 */
export async function updateOrgUserRole(userId: string, role: OrgRole, auth: Principal, deps: { store: Pick<DirectoryStore, 'setRole' | 'siteAdmins' | 'changeAdminKeeping'> }) {
  const org = memberOf(auth);
  let current: Membership | undefined;
  try {
    const m = await deps.store.setRole(org.orgId, userId, role, role !== 'site_admin');
    return { userId: m.userId, role: m.role, joinedAt: m.joinedAt };
  } catch (e) {
    if (!(e instanceof RefusedWriteError)) throw e;
    if (e.reason === 'missing') throw userNotFound();
    if (e.reason !== 'site_admin') throw e;
    current = e.current;
  }
  await withAnotherAdmin(org.orgId, userId, deps, (keeper) => deps.store.changeAdminKeeping(org.orgId, userId, role, keeper));
  return { userId, role, joinedAt: current?.joinedAt ?? '' };
}

/** Removes a member from the org (their account stays; other memberships are untouched). */
export async function removeOrgUser(userId: string, auth: Principal, deps: { store: Pick<DirectoryStore, 'removeMember' | 'siteAdmins' | 'changeAdminKeeping'> }) {
  const org = memberOf(auth);
  try {
    await deps.store.removeMember(org.orgId, userId, true);
    return;
  } catch (e) {
    if (!(e instanceof RefusedWriteError)) throw e;
    if (e.reason === 'missing') throw userNotFound();
    if (e.reason !== 'site_admin') throw e;
  }
  await withAnotherAdmin(org.orgId, userId, deps, (keeper) => deps.store.changeAdminKeeping(org.orgId, userId, undefined, keeper));
}

/** Runs `change` with each other site admin as the keeper until one is still admin; none left: 409. */
async function withAnotherAdmin<T>(orgId: string, userId: string, deps: { store: Pick<DirectoryStore, 'siteAdmins'> }, change: (keeperId: string) => Promise<T>): Promise<T> {
  const others = (await deps.store.siteAdmins(orgId)).filter((id) => id !== userId).slice(0, 5);
  for (const keeper of others) {
    try {
      return await change(keeper);
    } catch (e) {
      if (!(e instanceof RefusedWriteError)) throw e;
      if (e.reason === 'missing') throw userNotFound();
      if (e.reason !== 'keeper_gone') throw e;
    }
  }
  throw lastAdmin();
}

// ---------------------------------------------------------------------------------------------------------
// The invitee's side

/** The pending invitations to the caller's verified address. */
export async function listMyInvitations(auth: Principal, deps: { store: Pick<DirectoryStore, 'invitationsFor'>; clock: Clock }) {
  const now = deps.clock.now().toISOString();
  const mine = new Set(auth.memberships.map((m) => m.orgId));
  const invitations = await deps.store.invitationsFor(auth.email.toLowerCase());
  return { items: invitations.filter((i) => i.expiresAt > now && !mine.has(i.orgId)).map(invitationView) };
}

/**
 * The caller joins the org that invited their verified address, with the invited role. Single use (the
 * invitation is deleted in the joining transaction, conditional on being the one read) and only before it
 * expires. Joining gives company access: a Basic or Limited account takes the org's tier (ON-5), and the
 * org becomes the primary one if the account had none. Free-mail accounts never get company access.
 */
export async function acceptInvitation(orgId: string, auth: Principal, deps: { store: Pick<DirectoryStore, 'getInvitation' | 'acceptInvitation'>; clock: Clock }) {
  if (auth.profile.freeMail) {
    throw new ForbiddenError('free_mail_domain', 'Company access needs a business email address. Accounts with a free-mail or disposable address keep Basic access.');
  }
  if (auth.memberships.some((m) => m.orgId === orgId)) throw new ConflictError('already_member', 'You already belong to this organization.', 'path.orgId');
  const now = deps.clock.now();
  const notFound = () => new NotFoundError('invitation_not_found', 'No pending invitation to your address for this organization.', 'path.orgId');
  const invitation = await deps.store.getInvitation(auth.email.toLowerCase(), orgId);
  if (!invitation || invitation.expiresAt <= now.toISOString()) throw notFound();

  const membership: Membership = {
    userId: auth.userId,
    orgId: invitation.orgId,
    orgName: invitation.orgName,
    orgKind: invitation.orgKind,
    role: invitation.role,
    accessGroup: ACCESS_GROUP[invitation.orgKind],
    joinedAt: now.toISOString(),
    ...memberCopiesOf(auth.profile),
  };
  const tier = auth.tier === 'basic' || auth.tier === 'limited' ? TIER_OF_KIND[invitation.orgKind] : undefined;
  const primaryOrgId = auth.profile.primaryOrgId && auth.memberships.some((m) => m.orgId === auth.profile.primaryOrgId) ? undefined : invitation.orgId;
  try {
    await deps.store.acceptInvitation({
      invitation,
      membership,
      tier,
      primaryOrgId,
      email: {
        template: 'org_joined',
        locale: auth.locale,
        to: auth.email,
        data: { name: auth.name, orgName: membership.orgName, role: membership.role, accessGroup: membership.accessGroup },
      },
      now,
    });
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'invitation_gone') throw notFound();
    if (e instanceof RefusedWriteError && e.reason === 'already_member') throw new ConflictError('already_member', 'You already belong to this organization.', 'path.orgId');
    throw e;
  }
  return {
    status: 'joined' as const,
    organization: { orgId: membership.orgId, orgName: membership.orgName, role: membership.role, accessGroup: membership.accessGroup },
    tier: tier ?? auth.tier,
  };
}
