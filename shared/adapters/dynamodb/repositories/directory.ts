import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError } from '#shared/domain/errors.ts';
import { type DomainOwner, type MemberCopies, type Membership, type Org, type UserProfile, memberCopiesOf } from '#shared/domain/identity/model.ts';
import {
  type CancellationReason,
  ET,
  Expr,
  type Item,
  type TransactItem,
  cancellationReasons,
  getItem,
  query,
  send,
  tableName,
  transact,
  txPut,
  txUpdate,
} from '../commands.ts';
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

/**
 * A profile and the claim on its email, together (seeds, staff tooling; signup has its own transaction). A
 * profile written over an existing one keeps its memberships version, and its memberships' copies of the
 * name and email are updated in the same transaction (one Query first: this is no request path).
 */
export async function putProfile(profile: UserProfile) {
  const known = await reloadMemberships(profile.userId);
  await transactWithMemberCopies(profile.userId, known, memberCopiesOf(profile), (version) => ({
    items: [
      withOldOnFailure(txPut(userItem({ ...profile, membershipsVersion: version }), sameMemberships(new Expr(), version))),
      txPut(emailClaimItem({ email: profile.email, userId: profile.userId, name: profile.name, locale: profile.locale })),
    ],
    profileIndex: 0,
  }));
}

/**
 * A membership (seeds, tests, tooling), with its member's copies read from the profile (which must exist) and
 * the profile's memberships version moved on, in one transaction.
 */
export async function putMembership(m: Membership) {
  const profile = await getItem(keys.user(m.userId));
  if (!profile) throw new Error(`no profile for ${m.userId}: write it first (putProfile)`);
  await withCurrentCopies(memberCopiesOf(profile as unknown as UserProfile), 1, (copies) =>
    transact([txPut(membershipItem({ ...m, ...copies })), withOldOnFailure(txUpdate(keys.user(m.userId), joiningProfile(new Expr(), copies)))]),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Member copies (P52). A membership carries its member's name and email (`userName`, `userEmail`), so the
// org's user list is one Query. Two rules keep them equal to the profile's, each checked inside the
// transaction that writes them:
// - a write creating a membership updates the profile in the same transaction, conditional on the name and
//   email it copies, and moves the profile's `membershipsVersion` on (joiningProfile);
// - a write of the name or email updates every membership of the account in the same transaction, the keys
//   taken from the principal's memberships (no read), conditional on the profile's `membershipsVersion` being
//   the one the principal read (so no membership was added since) and on each membership still existing
//   (transactWithMemberCopies).
// A write refused by these conditions alone reads what changed (from the refusal, or one Query) and runs
// again: extra calls only when two writes of one account race.

/** The profile attribute counting the memberships added to the account (UserProfile.membershipsVersion). */
export const MEMBERSHIPS_VERSION = 'membershipsVersion' satisfies keyof UserProfile;
/** DynamoDB's limit of actions in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;
const MAX_ATTEMPTS = 3;

/** The copies a membership is written with (every writer sets them: membershipItem refuses one without). */
export function requireCopies(m: Partial<Pick<Membership, 'userId' | 'userName' | 'userEmail'>>): MemberCopies {
  if (typeof m.userName !== 'string' || typeof m.userEmail !== 'string') throw new Error(`membership of ${m.userId} without its member copies`);
  return { userName: m.userName, userEmail: m.userEmail };
}

/**
 * The profile update of a transaction that creates a membership with these copies: only while the profile
 * still has that name and email, and moving its memberships version on. Put it in the transaction through
 * withOldOnFailure, and run the transaction through withCurrentCopies.
 */
export function joiningProfile(x: Expr, copies: Partial<Pick<Membership, 'userId' | 'userName' | 'userEmail'>>): Expr {
  const c = requireCopies(copies);
  return x.equals('name', c.userName).equals('email', c.userEmail).add(MEMBERSHIPS_VERSION, 1);
}

/** Condition of a name or email write on the profile: its memberships version is still `version`. */
export function sameMemberships(x: Expr, version: number | undefined): Expr {
  return version === undefined ? x.exists(MEMBERSHIPS_VERSION, false) : x.equals(MEMBERSHIPS_VERSION, version);
}

/** A transaction entry that returns the item as it was when its condition fails (in the cancellation reason). */
export function withOldOnFailure(entry: TransactItem): TransactItem {
  const [op, body] = Object.entries(entry)[0] as [string, object];
  return { [op]: { ...body, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } } as TransactItem;
}

/** The item a refused entry returned (withOldOnFailure); the error carries it in DynamoDB JSON. */
export function oldItem(reason: CancellationReason | undefined): Item | undefined {
  if (reason?.Code !== 'ConditionalCheckFailed' || !reason.Item) return undefined;
  return unmarshall(reason.Item as unknown as Record<string, AttributeValue>);
}

/** The profile's current copies, when its (joining) update was refused because its name or email moved on. */
function movedCopies(reason: CancellationReason | undefined, copies: MemberCopies): MemberCopies | undefined {
  const old = oldItem(reason);
  if (!old || typeof old.name !== 'string' || typeof old.email !== 'string') return undefined;
  return old.name !== copies.userName || old.email !== copies.userEmail ? { userName: old.name, userEmail: old.email } : undefined;
}

/** Whether `e` is a transaction refused because the joining profile's name or email moved on (see withCurrentCopies). */
export const copiesMoved = (e: unknown, profileIndex: number, copies: MemberCopies) => movedCopies(cancellationReasons(e)?.[profileIndex], copies) !== undefined;

/**
 * Runs `write` (a transaction creating a membership with `copies`, its profile update at `profileIndex` built
 * with joiningProfile and withOldOnFailure); if the profile's name or email changed since they were read, runs
 * it again with the current ones (the refusal returns them: no read), MAX_ATTEMPTS times at most, then 409
 * `account_busy`. Any other failure is the caller's.
 */
export async function withCurrentCopies(copies: MemberCopies, profileIndex: number, write: (copies: MemberCopies) => Promise<void>): Promise<void> {
  let current = copies;
  for (let attempt = 1; ; attempt++) {
    try {
      await write(current);
      return;
    } catch (e) {
      const reasons = cancellationReasons(e);
      const moved = reasons ? movedCopies(reasons[profileIndex], current) : undefined;
      if (!moved) throw e;
      if (attempt >= MAX_ATTEMPTS) throw new ConflictError('account_busy', 'Your account changed while this was being saved. Try again.');
      current = moved;
    }
  }
}

/** The account's memberships (their orgs) as a writer knows them, and the profile's memberships version then. */
export interface KnownMemberships {
  orgIds: readonly string[];
  version: number | undefined;
}

/** What the principal (P1) knows: no read. */
export const knownMemberships = (profile: Pick<UserProfile, 'membershipsVersion'>, memberships: readonly Pick<Membership, 'orgId'>[]): KnownMemberships => ({
  orgIds: memberships.map((m) => m.orgId),
  version: profile.membershipsVersion,
});

/** The account's memberships and version read again (consistent; only after a refused copy write, and by tooling). */
async function reloadMemberships(userId: string): Promise<KnownMemberships> {
  const orgIds: string[] = [];
  let version: number | undefined;
  let lastKey: Item | undefined;
  do {
    const page = await query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk', '#et': ET, '#o': 'orgId', '#v': MEMBERSHIPS_VERSION },
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId) },
      ProjectionExpression: '#et, #o, #v',
      ConsistentRead: true,
      ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
    });
    for (const it of page.Items) {
      if (it[ET] === IDENTITY_ENTITY.membership) orgIds.push(String(it.orgId));
      else if (it[ET] === IDENTITY_ENTITY.user && typeof it[MEMBERSHIPS_VERSION] === 'number') version = it[MEMBERSHIPS_VERSION];
    }
    lastKey = page.LastEvaluatedKey;
  } while (lastKey);
  return { orgIds, version };
}

/** One Update per membership setting the given copies, only where the membership still exists. */
function copyUpdates(userId: string, orgIds: readonly string[], copies: Partial<MemberCopies>): TransactItem[] {
  if (copies.userName === undefined && copies.userEmail === undefined) return [];
  return orgIds.map((orgId) => txUpdate(keys.membership(userId, orgId), new Expr().set({ ...copies }).exists('pk')));
}

/** Whether a refusal came from the copy conditions: a membership gone or contended, or a membership added. */
function copiesRefused(reasons: CancellationReason[], profileIndex: number, firstCopy: number, version: number | undefined): boolean {
  if (reasons.slice(firstCopy).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) return true;
  if (reasons[profileIndex]?.Code === 'TransactionConflict') return true;
  const old = oldItem(reasons[profileIndex]);
  return old !== undefined && old[MEMBERSHIPS_VERSION] !== version;
}

/**
 * A write of the profile's name and/or email (`source(version)`: its entries, the profile's update at
 * `profileIndex` conditional on sameMemberships(version) and built with withOldOnFailure) with the copies'
 * updates on every known membership, in one transaction. Refused by the copy conditions (a membership added,
 * removed or contended meanwhile), it reloads the memberships (one Query) and runs again; any other refusal
 * is thrown for the caller to map.
 *
 * A transaction holds at most 100 actions: with more memberships than fit beside the source's entries (more
 * than 98 for a rename, 96 for an email change; users have a few), the first transaction carries the source
 * and as many copies as fit, and the rest follow in transactions of 100, each still conditional on its
 * memberships existing. Only those later copies are written after the source rather than with it.
 */
export async function transactWithMemberCopies(
  userId: string,
  known: KnownMemberships,
  copies: Partial<MemberCopies>,
  source: (version: number | undefined) => { items: TransactItem[]; profileIndex: number },
): Promise<void> {
  let current = known;
  for (let attempt = 1; ; attempt++) {
    const { items, profileIndex } = source(current.version);
    const updates = copyUpdates(userId, current.orgIds, copies);
    const room = MAX_TRANSACTION_ITEMS - items.length;
    try {
      await transact([...items, ...updates.slice(0, room)]);
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (!reasons || !copiesRefused(reasons, profileIndex, items.length, current.version)) throw e;
      // Memberships kept changing under this write: a clear 409 rather than the caller's reading of the refusal.
      if (attempt >= MAX_ATTEMPTS) throw new ConflictError('account_busy', 'Your account changed while this was being saved. Try again.');
      current = await reloadMemberships(userId);
      continue;
    }
    for (let i = room; i < updates.length; i += MAX_TRANSACTION_ITEMS) await transactExisting(updates.slice(i, i + MAX_TRANSACTION_ITEMS));
    return;
  }
}

/** Copy updates after the source's transaction: a membership removed meanwhile is left out, the rest written. */
async function transactExisting(updates: TransactItem[]): Promise<void> {
  let pending = updates;
  for (let attempt = 1; pending.length > 0; attempt++) {
    try {
      await transact(pending);
      return;
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (!reasons || attempt >= MAX_ATTEMPTS) throw new Error(`member copies not written: ${(e as Error).message}`);
      pending = pending.filter((_, i) => reasons[i]?.Code !== 'ConditionalCheckFailed');
    }
  }
}

/** The functions above as one object (seeds, tests, tooling). Handlers import the functions they use. */
export const directory = { createOrg, addDomainOwner, domainOwners, putProfile, putMembership };
