import { DAY_MS } from '#shared/domain/account/common.ts';
import type {
  AccountContact,
  AccountDocument,
  AddressEntry,
  Asset,
  CheckoutProfile,
  ContractRequest,
  DeviceGroup,
  Invitation,
  OrgDetails,
  SoftwareSubscription,
} from '#shared/domain/account/model.ts';
import { ET, type Item } from '../commands.ts';
import { keys } from '../keys.ts';

/**
 * The account page's items (docs/data-model.md, P50-P66), as written: each is its domain object plus its keys
 * and `_et`. Reads (repositories/account-items.ts) tell items apart by their `_et`.
 */

/** The `_et` of each account item. */
export const ACCOUNT_ENTITY = {
  invitation: 'Invitation',
  orgDetails: 'OrgDetails',
  contacts: 'AccountContacts',
  software: 'SoftwareSubscriptions',
  address: 'OrgAddress',
  checkoutProfile: 'CheckoutProfile',
  asset: 'Asset',
  deviceGroup: 'DeviceGroup',
  contractRequest: 'ContractRequest',
  document: 'AccountDocument',
} as const;

/** INVITE#<email> / ORG#<orgId>, on gsi1 as ORG#<orgId> / INVITE#<email>; TTL a day after it expires. */
export function invitationItem(invitation: Invitation): Item {
  const ttl = Math.floor(new Date(invitation.expiresAt).getTime() / 1000) + DAY_MS / 1000;
  return {
    ...keys.invitation(invitation.email, invitation.orgId),
    [ET]: ACCOUNT_ENTITY.invitation,
    ...invitation,
    ttl,
    ...keys.invitationByOrg(invitation.orgId, invitation.email),
  };
}

/** ORG#<orgId>#ACCOUNT / DETAILS: the company address and phone site admins maintain. */
export function orgDetailsItem(details: OrgDetails): Item {
  return { ...keys.orgDetails(details.orgId), [ET]: ACCOUNT_ENTITY.orgDetails, ...details };
}

/** ORG#<orgId>#ACCOUNT / CONTACTS: the account team (at most 10), maintained by staff. */
export interface AccountContactsRecord {
  orgId: string;
  contacts: AccountContact[];
  updatedAt: string;
  updatedBy: string;
}

export function accountContactsItem(r: AccountContactsRecord): Item {
  return { ...keys.accountContacts(r.orgId), [ET]: ACCOUNT_ENTITY.contacts, ...r };
}

/** ORG#<orgId>#ACCOUNT / SOFTWARE: software subscriptions (US orgs), maintained by staff. */
export interface SoftwareSubscriptionsRecord {
  orgId: string;
  subscriptions: SoftwareSubscription[];
  updatedAt: string;
  updatedBy: string;
}

export function softwareSubscriptionsItem(r: SoftwareSubscriptionsRecord): Item {
  return { ...keys.softwareSubscriptions(r.orgId), [ET]: ACCOUNT_ENTITY.software, ...r };
}

/**
 * ORG#<orgId>#ADDRESSES / ADDRESS#<addressId>; `usedBy`: the checkout profiles referring to it, a string set
 * (absent when none: DynamoDB stores no empty set).
 */
export function addressItem(entry: AddressEntry): Item {
  const { usedBy, ...rest } = entry;
  return { ...keys.address(entry.orgId, entry.addressId), [ET]: ACCOUNT_ENTITY.address, ...rest, ...(usedBy?.length ? { usedBy: new Set(usedBy) } : {}) };
}

/** ORG#<orgId>#USER#<userId>#CHECKOUT / PROFILE#<profileId>. */
export function checkoutProfileItem(profile: CheckoutProfile): Item {
  return { ...keys.checkoutProfile(profile.orgId, profile.userId, profile.profileId), [ET]: ACCOUNT_ENTITY.checkoutProfile, ...profile };
}

/** ORG#<orgId>#ASSETS / SERIAL#<serial>. */
export function assetItem(asset: Asset): Item {
  return { ...keys.asset(asset.orgId, asset.serial), [ET]: ACCOUNT_ENTITY.asset, ...asset };
}

/** ORG#<orgId>#ASSETS / GROUP#<groupId>: sorts before the assets (a group's view starts with it). */
export function deviceGroupItem(group: DeviceGroup): Item {
  return { ...keys.deviceGroup(group.orgId, group.groupId), [ET]: ACCOUNT_ENTITY.deviceGroup, ...group };
}

/** ORG#<orgId>#CONTRACTS / REQ#<createdAt>#<requestId>. */
export function contractRequestItem(request: ContractRequest): Item {
  return { ...keys.contractRequest(request.orgId, request.createdAt, request.requestId), [ET]: ACCOUNT_ENTITY.contractRequest, ...request };
}

/** ORG#<orgId>#DOCUMENTS / DOC#<documentId>. */
export function accountDocumentItem(doc: AccountDocument): Item {
  return { ...keys.accountDocument(doc.orgId, doc.documentId), [ET]: ACCOUNT_ENTITY.document, ...doc };
}
