import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AccountContact, AccountDocument, AddressEntry, Asset, CheckoutProfile, ContractRequest, DeviceGroup, Invitation, OrgDetails, SoftwareSubscription } from '#shared/domain/account/model.ts';
import { type AccountStore, type BookStore, type DeviceStore, type DirectoryStore, RefusedWriteError, type SupportStore } from '#shared/domain/account/ports.ts';
import type { Membership, Org, UserProfile } from '#shared/domain/identity/model.ts';
import { ET, type Item, type TransactItem, batchGet, cancellationCodes, getItem, isConditionFailure, putItem, query, send, strip, tableName, transact, withinLimit } from '../commands.ts';
import { ACCOUNT_ENTITY as ENTITY, accountContactsItem, assetItem, orgDetailsItem, softwareSubscriptionsItem } from '../entities/account.ts';
import { IDENTITY_ENTITY } from '../entities/identity.ts';
import { keys } from '../keys.ts';
import { MEMBERSHIPS_VERSION, knownMemberships, transactWithMemberCopies, withOldOnFailure } from './directory.ts';

/**
 * The account page's reads and single-item writes (P50-P66) as plain DocumentClient commands, the items built
 * by entities/account.ts. Writes that need the idempotency record or the outbox are in account-transactions.ts.
 * Every function is one DynamoDB call and is exported on its own: a handler bundles the ones it imports.
 */

/** String sets come back as `Set`; the domain uses arrays. */
function addressOf(item: Item): AddressEntry {
  const a = strip<AddressEntry & { usedBy?: Set<string> | string[] }>(item);
  return { ...a, usedBy: a.usedBy ? [...a.usedBy] : undefined };
}

const failed = (code: string | undefined) => code === 'ConditionalCheckFailed';

const pagePart = (partition: string, prefix: string) => ({
  KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
  ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
  ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
});
const after = (lastKey: Item | undefined) => (lastKey ? { ExclusiveStartKey: lastKey } : {});

/** ConditionCheck that an org exists (staff routes name the org in the path). */
const orgExists = (orgId: string) => ({
  ConditionCheck: { TableName: tableName(), Key: keys.org(orgId), ConditionExpression: 'attribute_exists(pk)' },
});

// ---------------------------------------------------------------------------------------------------------
// P50 header, company details (AC-1, AC-3)

export const orgOverview: AccountStore['orgOverview'] = async (orgId) => {
  const items = await batchGet([keys.org(orgId), keys.orgDetails(orgId)]);
  const org = items.find((i) => i[ET] === IDENTITY_ENTITY.org);
  const details = items.find((i) => i[ET] === ENTITY.orgDetails);
  return { org: org ? strip<Org>(org) : undefined, details: details ? strip<OrgDetails>(details) : undefined };
};

export const putOrgDetails: AccountStore['putOrgDetails'] = async (details) => {
  await putItem(orgDetailsItem(details));
};

/**
 * P51: the profile, and the name and locale the email claim keeps for the signup path's emails, in one
 * transaction; a new name also goes to the copies on the caller's memberships (P52), in the same transaction
 * (transactWithMemberCopies). Registration fields are changed inside the registration map (which must exist).
 */
export const updateProfile: AccountStore['updateProfile'] = async (profile, changes, now, memberships) => {
  const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':now': now.toISOString() };
  const sets = ['#updatedAt = :now'];
  const removes: string[] = [];
  const set = (attr: string, value: unknown, path = `#${attr}`) => {
    names[`#${attr}`] = attr;
    values[`:${attr}`] = value;
    sets.push(`${path} = :${attr}`);
  };
  if (changes.name !== undefined) set('name', changes.name);
  if (changes.locale !== undefined) set('locale', changes.locale);
  if (changes.phone === null) {
    names['#phone'] = 'phone';
    removes.push('#phone');
  } else if (changes.phone !== undefined) set('phone', changes.phone);
  const registration = changes.jobTitle !== undefined || changes.siteAddress !== undefined;
  if (registration) names['#registration'] = 'registration';
  if (changes.jobTitle !== undefined) set('jobTitle', changes.jobTitle, '#registration.#jobTitle');
  if (changes.siteAddress !== undefined) set('siteAddress', changes.siteAddress, '#registration.#siteAddress');
  const update = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
  const claimChanges = changes.name !== undefined || changes.locale !== undefined;
  const claim: TransactItem[] = claimChanges
    ? [
        {
          Update: {
            TableName: tableName(),
            Key: keys.emailClaim(profile.email),
            UpdateExpression: 'SET #name = :name, #locale = :locale',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#name': 'name', '#locale': 'locale' },
            ExpressionAttributeValues: { ':name': changes.name ?? profile.name, ':locale': changes.locale ?? profile.locale },
          },
        },
      ]
    : [];
  /** The profile's update; renaming, also conditional on the memberships being those known (`version`). */
  const profileUpdate = (renaming: boolean, version?: number): TransactItem => {
    const n = { ...names };
    const v = { ...values };
    let condition = registration ? 'attribute_exists(pk) AND attribute_exists(#registration)' : 'attribute_exists(pk)';
    if (renaming) {
      n['#membershipsVersion'] = MEMBERSHIPS_VERSION;
      if (version === undefined) condition += ' AND attribute_not_exists(#membershipsVersion)';
      else {
        v[':membershipsVersion'] = version;
        condition += ' AND #membershipsVersion = :membershipsVersion';
      }
    }
    const entry: TransactItem = {
      Update: { TableName: tableName(), Key: keys.user(profile.userId), UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeNames: n, ExpressionAttributeValues: v },
    };
    return renaming ? withOldOnFailure(entry) : entry;
  };
  try {
    if (changes.name === undefined) await transact([profileUpdate(false), ...claim]);
    else {
      // The name is copied onto every membership (the org's user list, P52): the copies change with it.
      await transactWithMemberCopies(profile.userId, knownMemberships(profile, memberships), { userName: changes.name }, (version) => ({
        items: [profileUpdate(true, version), ...claim],
        profileIndex: 0,
      }));
    }
  } catch (e) {
    const codes = cancellationCodes(e);
    if (codes && failed(codes[0])) throw new RefusedWriteError('missing');
    throw e;
  }
  const next: UserProfile = {
    ...profile,
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
    ...(changes.phone !== undefined ? { phone: changes.phone ?? undefined } : {}),
    updatedAt: now.toISOString(),
  };
  if (registration && profile.registration) {
    next.registration = {
      ...profile.registration,
      ...(changes.jobTitle !== undefined ? { jobTitle: changes.jobTitle } : {}),
      ...(changes.siteAddress !== undefined ? { siteAddress: changes.siteAddress } : {}),
    };
  }
  return next;
};

// ---------------------------------------------------------------------------------------------------------
// P52-P55 the org's users and invitations (AC-2)

/**
 * P52: one page of gsi1 `ORG#<orgId>`: the org's invitations and memberships (each with its member's name and
 * email), and on the first page the org item itself, which sorts before them (`#ORG`): the user list and the
 * org's SSO status in one Query. The first page reads one item more than `limit`, the org, so every page
 * holds the entries it would without it.
 */
export const listOrgDirectory: DirectoryStore['listOrgDirectory'] = async (orgId, limit, lastKey) => {
  const first = lastKey === undefined;
  const { Items, LastEvaluatedKey } = await query({
    IndexName: 'gsi1',
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'gsi1pk' },
    ExpressionAttributeValues: { ':pk': keys.orgDirectoryPartition(orgId) },
    Limit: first ? limit + 1 : limit,
    ...after(lastKey),
  });
  const org = Items.find((i) => i[ET] === IDENTITY_ENTITY.org);
  const others = org ? Items.filter((i) => i !== org) : Items;
  // An org item written before orgs were projected here: the page ends where `limit` says.
  const { rows: entries, lastKey: last } = first ? withinLimit(others, limit, LastEvaluatedKey, ['pk', 'sk', 'gsi1pk', 'gsi1sk']) : { rows: others, lastKey: LastEvaluatedKey };
  return {
    members: entries.filter((i) => i[ET] === IDENTITY_ENTITY.membership).map((i) => strip<Membership>(i)),
    invitations: entries.filter((i) => i[ET] === ENTITY.invitation).map((i) => strip<Invitation>(i)),
    ...(org ? { org: strip<Org>(org) } : {}),
    lastKey: last,
  };
};

export const deleteInvitation: DirectoryStore['deleteInvitation'] = async (orgId, email) => {
  try {
    await send(new DeleteCommand({ TableName: tableName(), Key: keys.invitation(email, orgId), ConditionExpression: 'attribute_exists(pk)' }));
  } catch (e) {
    if (isConditionFailure(e)) throw new RefusedWriteError('missing');
    throw e;
  }
};

/** P54: the invitations to one address (its partition), every org. */
export const invitationsFor: DirectoryStore['invitationsFor'] = async (email) => {
  const { Items } = await query({
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': keys.invitationsPartition(email) },
    ConsistentRead: true,
    Limit: 100,
  });
  return Items.filter((i) => i[ET] === ENTITY.invitation).map((i) => strip<Invitation>(i));
};

export const getInvitation: DirectoryStore['getInvitation'] = async (email, orgId) => {
  const item = await getItem(keys.invitation(email, orgId));
  return item && item[ET] === ENTITY.invitation ? strip<Invitation>(item) : undefined;
};

/**
 * P55: a member's role set, refused (the old item tells why) when there is no such member or, with
 * `guard`, when the member is a site admin.
 */
export const setRole: DirectoryStore['setRole'] = async (orgId, userId, role, guard) => {
  try {
    const out = await send<{ Attributes?: Item }>(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.membership(userId, orgId),
        UpdateExpression: 'SET #role = :role',
        ConditionExpression: guard ? 'attribute_exists(pk) AND #role <> :admin' : 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':role': role, ...(guard ? { ':admin': 'site_admin' } : {}) },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return strip<Membership>(out.Attributes ?? {});
  } catch (e) {
    throw whyRefused(e);
  }
};

export const removeMember: DirectoryStore['removeMember'] = async (orgId, userId, guard) => {
  try {
    await send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.membership(userId, orgId),
        ConditionExpression: guard ? 'attribute_exists(pk) AND #role <> :admin' : 'attribute_exists(pk)',
        ...(guard ? { ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':admin': 'site_admin' } } : {}),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (e) {
    throw whyRefused(e);
  }
};

/** A refused membership write: the old item (ReturnValuesOnConditionCheckFailure) says missing or admin. */
function whyRefused(e: unknown): unknown {
  if (!isConditionFailure(e)) return e;
  // The error carries the old item in DynamoDB JSON (the DocumentClient does not translate errors).
  const old = (e as { Item?: Record<string, AttributeValue> }).Item;
  return old ? new RefusedWriteError('site_admin', undefined, strip<Membership>(unmarshall(old))) : new RefusedWriteError('missing');
}

/** The org's site admins from the user list (gsi1, eventually consistent: the write re-checks). */
export const siteAdmins: DirectoryStore['siteAdmins'] = async (orgId) => {
  const ids: string[] = [];
  let lastKey: Item | undefined;
  do {
    const page = await query({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :member)',
      FilterExpression: '#role = :admin',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk', '#role': 'role' },
      ExpressionAttributeValues: { ':pk': keys.orgDirectoryPartition(orgId), ':member': keys.membershipSkPrefix, ':admin': 'site_admin' },
      ProjectionExpression: 'userId',
      ...after(lastKey),
    });
    for (const i of page.Items) ids.push(String(i.userId));
    lastKey = page.LastEvaluatedKey;
  } while (lastKey && ids.length < 5);
  return ids;
};

/**
 * P55 guarded: demote or remove a site admin and check, in the same transaction, that `keeperId` is still a
 * site admin of the org. Two admins demoting each other at once: one transaction commits, the other's check
 * (or conflict) fails.
 */
export const changeAdminKeeping: DirectoryStore['changeAdminKeeping'] = async (orgId, userId, role, keeperId) => {
  const key = keys.membership(userId, orgId);
  const change =
    role !== undefined
      ? {
          Update: {
            TableName: tableName(),
            Key: key,
            UpdateExpression: 'SET #role = :role',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':role': role },
          },
        }
      : { Delete: { TableName: tableName(), Key: key, ConditionExpression: 'attribute_exists(pk)' } };
  const attempt = () =>
    transact([
      change,
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.membership(keeperId, orgId),
          ConditionExpression: '#role = :admin',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':admin': 'site_admin' },
        },
      },
    ]);
  for (let n = 1; ; n++) {
    try {
      await attempt();
      return;
    } catch (e) {
      const codes = cancellationCodes(e);
      if (!codes) throw e;
      if (failed(codes[0])) throw new RefusedWriteError('missing');
      if (failed(codes[1])) throw new RefusedWriteError('keeper_gone');
      // Two admins changing each other at once: retry after a jittered pause; the re-run sees the winner's write.
      if (!codes.includes('TransactionConflict') || n >= 3) throw n >= 3 ? new RefusedWriteError('keeper_gone') : e;
      await sleep(20 * n + randomInt(0, 30));
    }
  }
};

// ---------------------------------------------------------------------------------------------------------
// P56-P57 address book and express checkout (AC-3)

export const listAddresses: BookStore['listAddresses'] = async (orgId, limit, lastKey) => {
  const { Items, LastEvaluatedKey } = await query({ ...pagePart(keys.addressBookPartition(orgId), 'ADDRESS#'), ConsistentRead: true, Limit: limit, ...after(lastKey) });
  return { items: Items.map(addressOf), lastKey: LastEvaluatedKey };
};

export const updateAddress: BookStore['updateAddress'] = async (entry) => {
  const names: Record<string, string> = { '#label': 'label', '#address': 'address', '#updatedAt': 'updatedAt', '#phone': 'phone' };
  const values: Record<string, unknown> = { ':label': entry.label, ':address': entry.address, ':updatedAt': entry.updatedAt };
  let update = 'SET #label = :label, #address = :address, #updatedAt = :updatedAt';
  if (entry.phone !== undefined) {
    values[':phone'] = entry.phone;
    update += ', #phone = :phone';
  } else update += ' REMOVE #phone';
  try {
    const out = await send<{ Attributes?: Item }>(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.address(entry.orgId, entry.addressId),
        UpdateExpression: update,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return addressOf(out.Attributes ?? {});
  } catch (e) {
    if (isConditionFailure(e)) throw new RefusedWriteError('missing');
    throw e;
  }
};

export const deleteAddress: BookStore['deleteAddress'] = async (orgId, addressId) => {
  try {
    await send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.address(orgId, addressId),
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#usedBy)',
        ExpressionAttributeNames: { '#usedBy': 'usedBy' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (e) {
    if (isConditionFailure(e)) throw new RefusedWriteError((e as { Item?: unknown }).Item ? 'address_in_use' : 'missing');
    throw e;
  }
};

export const listCheckoutProfiles: BookStore['listCheckoutProfiles'] = async (orgId, userId, limit, lastKey) => {
  const { Items, LastEvaluatedKey } = await query({ ...pagePart(keys.checkoutPartition(orgId, userId), 'PROFILE#'), ConsistentRead: true, Limit: limit, ...after(lastKey) });
  return { items: Items.map((i) => strip<CheckoutProfile>(i)), lastKey: LastEvaluatedKey };
};

export const getCheckoutProfile: BookStore['getCheckoutProfile'] = async (orgId, userId, profileId) => {
  const item = await getItem(keys.checkoutProfile(orgId, userId, profileId));
  return item ? strip<CheckoutProfile>(item) : undefined;
};

/** The profile and its reference on the address, together (the set attribute goes when it empties). */
export const deleteCheckoutProfile: BookStore['deleteCheckoutProfile'] = async (p) => {
  try {
    await transact([
      { Delete: { TableName: tableName(), Key: keys.checkoutProfile(p.orgId, p.userId, p.profileId), ConditionExpression: 'attribute_exists(pk)' } },
      {
        Update: {
          TableName: tableName(),
          Key: keys.address(p.orgId, p.addressId),
          UpdateExpression: 'DELETE #usedBy :profile',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#usedBy': 'usedBy' },
          ExpressionAttributeValues: { ':profile': new Set([p.profileId]) },
        },
      },
    ]);
  } catch (e) {
    const codes = cancellationCodes(e);
    if (codes && failed(codes[0])) throw new RefusedWriteError('missing');
    throw e;
  }
};

// ---------------------------------------------------------------------------------------------------------
// P58-P61 assets, groups (AC-5), service requests (AC-6)

const assetsOf = (items: Item[]) => items.filter((i) => i[ET] === ENTITY.asset).map((i) => strip<Asset>(i));

export const listAssets: DeviceStore['listAssets'] = async (orgId, limit, lastKey) => {
  const { Items, LastEvaluatedKey } = await query({ ...pagePart(keys.assetsPartition(orgId), keys.assetSkPrefix), ConsistentRead: true, Limit: limit, ...after(lastKey) });
  return { items: assetsOf(Items), lastKey: LastEvaluatedKey };
};

/** P59: from the group item on: the group (first page), any later groups (skipped), then the assets. */
export const groupPage: DeviceStore['groupPage'] = async (orgId, groupId, limit, lastKey) => {
  const [lo, hi] = keys.deviceGroupViewRange(groupId);
  const { Items, LastEvaluatedKey } = await query({
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
    ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    ExpressionAttributeValues: { ':pk': keys.assetsPartition(orgId), ':lo': lo, ':hi': hi },
    ConsistentRead: true,
    // The group item takes one place of the first page.
    Limit: lastKey ? limit : limit + 1,
    ...after(lastKey),
  });
  const first = Items[0];
  const group = !lastKey && first && first[ET] === ENTITY.deviceGroup && first.groupId === groupId ? strip<DeviceGroup>(first) : undefined;
  return { items: assetsOf(Items), lastKey: LastEvaluatedKey, ...(group ? { group } : {}) };
};

export const getDeviceGroup: DeviceStore['getDeviceGroup'] = async (orgId, groupId) => {
  const item = await getItem(keys.deviceGroup(orgId, groupId));
  return item ? strip<DeviceGroup>(item) : undefined;
};

export const listDeviceGroups: DeviceStore['listDeviceGroups'] = async (orgId, limit, lastKey) => {
  const { Items, LastEvaluatedKey } = await query({ ...pagePart(keys.assetsPartition(orgId), keys.deviceGroupSkPrefix), ConsistentRead: true, Limit: limit, ...after(lastKey) });
  return { items: Items.map((i) => strip<DeviceGroup>(i)), lastKey: LastEvaluatedKey };
};

export const updateDeviceGroup: DeviceStore['updateDeviceGroup'] = async (g) => {
  try {
    const out = await send<{ Attributes?: Item }>(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.deviceGroup(g.orgId, g.groupId),
        UpdateExpression: 'SET #name = :name, #criteria = :criteria, #updatedAt = :updatedAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#name': 'name', '#criteria': 'criteria', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':name': g.name, ':criteria': g.criteria, ':updatedAt': g.updatedAt },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<DeviceGroup>(out.Attributes ?? {});
  } catch (e) {
    if (isConditionFailure(e)) throw new RefusedWriteError('missing');
    throw e;
  }
};

export const deleteDeviceGroup: DeviceStore['deleteDeviceGroup'] = async (orgId, groupId) => {
  try {
    await send(new DeleteCommand({ TableName: tableName(), Key: keys.deviceGroup(orgId, groupId), ConditionExpression: 'attribute_exists(pk)' }));
  } catch (e) {
    if (isConditionFailure(e)) throw new RefusedWriteError('missing');
    throw e;
  }
};

/** P60 staff import: every asset and a check that the org exists, in one transaction (at most 99 assets). */
export const importAssets: DeviceStore['importAssets'] = async (orgId, assets) => {
  try {
    await transact([orgExists(orgId), ...assets.map((a) => ({ Put: { TableName: tableName(), Item: assetItem(a) } }))]);
  } catch (e) {
    const codes = cancellationCodes(e);
    if (codes && failed(codes[0])) throw new RefusedWriteError('org_missing');
    throw e;
  }
};

/**
 * P60 shipment projection: one conditional PutItem per asset (at most 50 per ticket), written unless a
 * staff import already describes the asset (staff data wins); a replayed stream record rewrites the same
 * values.
 */
export const putShippedAssets: DeviceStore['putShippedAssets'] = async (assets) => {
  const results = await Promise.all(
    assets.map(async (a) => {
      try {
        await send(
          new PutCommand({
            TableName: tableName(),
            Item: assetItem(a),
            ConditionExpression: 'attribute_not_exists(pk) OR #source.#kind = :shipment',
            ExpressionAttributeNames: { '#source': 'source', '#kind': 'kind' },
            ExpressionAttributeValues: { ':shipment': 'shipment' },
          }),
        );
        return 1;
      } catch (e) {
        if (isConditionFailure(e)) return 0;
        throw e;
      }
    }),
  );
  return results.reduce((n: number, x) => n + x, 0);
};

/** P61: the org's service requests created in [from, to], newest first. */
export const listContractRequests: SupportStore['listContractRequests'] = async (orgId, from, to, limit) => {
  const [lo, hi] = keys.contractRequestRange(from, to);
  const { Items, LastEvaluatedKey } = await query({
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
    ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    ExpressionAttributeValues: { ':pk': keys.contractRequestsPartition(orgId), ':lo': lo, ':hi': hi },
    ConsistentRead: true,
    ScanIndexForward: false,
    Limit: limit,
  });
  return { items: Items.map((i) => strip<ContractRequest>(i)), more: LastEvaluatedKey !== undefined };
};

// ---------------------------------------------------------------------------------------------------------
// P62-P64 contacts, documents, software (AC-7, AC-8)

export const getContacts: SupportStore['getContacts'] = async (orgId) => {
  const item = await getItem(keys.accountContacts(orgId));
  return (item?.contacts as AccountContact[] | undefined) ?? [];
};

export const putContacts: SupportStore['putContacts'] = async (orgId, contacts, by, now) => {
  try {
    await transact([
      orgExists(orgId),
      { Put: { TableName: tableName(), Item: accountContactsItem({ orgId, contacts, updatedAt: now.toISOString(), updatedBy: by }) } },
    ]);
  } catch (e) {
    const codes = cancellationCodes(e);
    if (codes && failed(codes[0])) throw new RefusedWriteError('org_missing');
    throw e;
  }
};

export const listDocuments: SupportStore['listDocuments'] = async (orgId, limit, lastKey) => {
  const { Items, LastEvaluatedKey } = await query({ ...pagePart(keys.accountDocumentsPartition(orgId), 'DOC#'), ConsistentRead: true, Limit: limit, ...after(lastKey) });
  return { items: Items.map((i) => strip<AccountDocument>(i)), lastKey: LastEvaluatedKey };
};

export const getDocument: SupportStore['getDocument'] = async (orgId, documentId) => {
  const item = await getItem(keys.accountDocument(orgId, documentId));
  return item ? strip<AccountDocument>(item) : undefined;
};

export const publishDocument: SupportStore['publishDocument'] = async (orgId, documentId, stored, now) => {
  try {
    const out = await send<{ Attributes?: Item }>(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.accountDocument(orgId, documentId),
        UpdateExpression: 'SET #status = :published, #publishedAt = if_not_exists(#publishedAt, :now)',
        // The declared type and size are checked here rather than read first: one call instead of two.
        ConditionExpression: 'attribute_exists(pk) AND (#status = :published OR (#size = :size AND #contentType = :type))',
        ExpressionAttributeNames: { '#status': 'status', '#publishedAt': 'publishedAt', '#size': 'size', '#contentType': 'contentType' },
        ExpressionAttributeValues: { ':published': 'published', ':now': now.toISOString(), ':size': stored.size, ':type': stored.contentType ?? '' },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return strip<AccountDocument>(out.Attributes ?? {});
  } catch (e) {
    if (isConditionFailure(e)) {
      throw new RefusedWriteError((e as { Item?: unknown }).Item ? 'file_mismatch' : 'missing');
    }
    throw e;
  }
};

export const softwareOverview: SupportStore['softwareOverview'] = async (orgId) => {
  const items = await batchGet([keys.org(orgId), keys.softwareSubscriptions(orgId)]);
  const org = items.find((i) => i[ET] === IDENTITY_ENTITY.org);
  const software = items.find((i) => i[ET] === ENTITY.software);
  return { org: org ? strip<Org>(org) : undefined, subscriptions: (software?.subscriptions as SoftwareSubscription[] | undefined) ?? [] };
};

export const putSoftware: SupportStore['putSoftware'] = async (orgId, subscriptions, by, now) => {
  try {
    await transact([
      orgExists(orgId),
      { Put: { TableName: tableName(), Item: softwareSubscriptionsItem({ orgId, subscriptions, updatedAt: now.toISOString(), updatedBy: by }) } },
    ]);
  } catch (e) {
    const codes = cancellationCodes(e);
    if (codes && failed(codes[0])) throw new RefusedWriteError('org_missing');
    throw e;
  }
};

