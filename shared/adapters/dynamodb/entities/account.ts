import { Entity } from 'dynamodb-toolbox/entity';
import { boolean } from 'dynamodb-toolbox/schema/boolean';
import { item } from 'dynamodb-toolbox/schema/item';
import { list } from 'dynamodb-toolbox/schema/list';
import { map } from 'dynamodb-toolbox/schema/map';
import { number } from 'dynamodb-toolbox/schema/number';
import { set } from 'dynamodb-toolbox/schema/set';
import { string } from 'dynamodb-toolbox/schema/string';
import { CONTRACT_REQUEST_KINDS, DEVICE_ID_KINDS, DOCUMENT_TYPES, WARRANTY_PLANS } from '#shared/domain/account/model.ts';
import { LOCALES, ORG_ROLES } from '#shared/domain/shared/vocabulary.ts';
import { keys } from '../keys.ts';
import { ENTITY } from '../repositories/account-items.ts';
import { PortalTable } from '../table.ts';

/**
 * The account page's items (docs/data-model.md, P50-P66), as written. Reads are plain DocumentClient
 * commands (repositories/account-items.ts) that tell items apart by their `_et`, the entity names in
 * `ENTITY`; the device projection's stream filter relies on them too.
 */
export { ENTITY };

/** INVITE#<email> / ORG#<orgId>, on gsi1 as ORG#<orgId> / INVITE#<email>; TTL a day after it expires. */
export const InvitationEntity = new Entity({
  name: ENTITY.invitation,
  table: PortalTable,
  timestamps: false,
  schema: item({
    email: string().key(),
    orgId: string().key(),
    orgName: string(),
    orgKind: string().enum('customer', 'partner'),
    role: string().enum(...ORG_ROLES),
    locale: string().enum(...LOCALES),
    invitedBy: map({ userId: string(), name: string() }),
    createdAt: string(),
    expiresAt: string(),
    ttl: number(),
  }).and((s) => ({
    gsi1pk: string().hidden().link<typeof s>(({ orgId, email }) => keys.invitationByOrg(orgId, email).gsi1pk),
    gsi1sk: string().hidden().link<typeof s>(({ orgId, email }) => keys.invitationByOrg(orgId, email).gsi1sk),
  })),
  computeKey: ({ email, orgId }) => keys.invitation(email, orgId),
});

/** ORG#<orgId>#ACCOUNT / DETAILS: the company address and phone site admins maintain. */
export const OrgDetailsEntity = new Entity({
  name: ENTITY.orgDetails,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    // Same shape as the identity entities' ADDRESS; declared here so this module does not pull those entities into every bundle.
    address: map({ line1: string(), line2: string().optional(), city: string(), postalCode: string(), region: string().optional(), country: string() }).optional(),
    phone: string().optional(),
    updatedAt: string(),
    updatedBy: string(),
  }),
  computeKey: ({ orgId }) => keys.orgDetails(orgId),
});

/** ORG#<orgId>#ACCOUNT / CONTACTS: the account team (at most 10), maintained by staff. */
export const AccountContactsEntity = new Entity({
  name: ENTITY.contacts,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    contacts: list(map({ name: string(), title: string(), email: string(), phone: string().optional(), region: string().optional() })),
    updatedAt: string(),
    updatedBy: string(),
  }),
  computeKey: ({ orgId }) => keys.accountContacts(orgId),
});

/** ORG#<orgId>#ACCOUNT / SOFTWARE: software subscriptions (US orgs), maintained by staff. */
export const SoftwareSubscriptionsEntity = new Entity({
  name: ENTITY.software,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    subscriptions: list(
      map({ subscriptionId: string(), product: string(), quantity: number(), startDate: string(), endDate: string(), autoRenew: boolean() }),
    ),
    updatedAt: string(),
    updatedBy: string(),
  }),
  computeKey: ({ orgId }) => keys.softwareSubscriptions(orgId),
});

/** ORG#<orgId>#ADDRESSES / ADDRESS#<addressId>; `usedBy`: the checkout profiles referring to it. */
export const AddressEntity = new Entity({
  name: ENTITY.address,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    addressId: string().key(),
    label: string(),
    address: map({
      recipient: string(),
      company: string().optional(),
      line1: string(),
      line2: string().optional(),
      postalCode: string().optional(),
      city: string(),
      region: string().optional(),
      country: string(),
    }),
    phone: string().optional(),
    usedBy: set(string()).optional(),
    createdBy: string(),
    createdAt: string(),
    updatedAt: string(),
  }),
  computeKey: ({ orgId, addressId }) => keys.address(orgId, addressId),
});

/** ORG#<orgId>#USER#<userId>#CHECKOUT / PROFILE#<profileId>. */
export const CheckoutProfileEntity = new Entity({
  name: ENTITY.checkoutProfile,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    userId: string().key(),
    profileId: string().key(),
    label: string(),
    addressId: string(),
    paymentMethodToken: string(),
    createdAt: string(),
  }),
  computeKey: ({ orgId, userId, profileId }) => keys.checkoutProfile(orgId, userId, profileId),
});

/** ORG#<orgId>#ASSETS / SERIAL#<serial>. */
export const AssetEntity = new Entity({
  name: ENTITY.asset,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    serial: string().key(),
    idKind: string().enum(...DEVICE_ID_KINDS),
    model: string(),
    family: string(),
    site: string().optional(),
    shipDate: string().optional(),
    warranty: map({ plan: string().enum(...WARRANTY_PLANS), startDate: string().optional(), endDate: string() }),
    source: map({
      kind: string().enum('shipment', 'import'),
      ticketId: string().optional(),
      reference: string().optional(),
      importedBy: string().optional(),
    }),
    updatedAt: string(),
  }),
  computeKey: ({ orgId, serial }) => keys.asset(orgId, serial),
});

/** ORG#<orgId>#ASSETS / GROUP#<groupId>: sorts before the assets (a group's view starts with it). */
export const DeviceGroupEntity = new Entity({
  name: ENTITY.deviceGroup,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    groupId: string().key(),
    name: string(),
    criteria: map({ serials: list(string()), families: list(string()), sites: list(string()) }),
    createdBy: map({ userId: string(), name: string() }),
    createdAt: string(),
    updatedAt: string(),
  }),
  computeKey: ({ orgId, groupId }) => keys.deviceGroup(orgId, groupId),
});

/** ORG#<orgId>#CONTRACTS / REQ#<createdAt>#<requestId>. */
export const ContractRequestEntity = new Entity({
  name: ENTITY.contractRequest,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    createdAt: string().key(),
    requestId: string().key(),
    reference: string(),
    kind: string().enum(...CONTRACT_REQUEST_KINDS),
    plan: string().enum(...WARRANTY_PLANS),
    durationMonths: number(),
    serials: list(string()),
    requester: map({ userId: string(), name: string(), email: string() }),
    status: string().enum('submitted'),
  }),
  computeKey: ({ orgId, createdAt, requestId }) => keys.contractRequest(orgId, createdAt, requestId),
});

/** ORG#<orgId>#DOCUMENTS / DOC#<documentId>. */
export const AccountDocumentEntity = new Entity({
  name: ENTITY.document,
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    documentId: string().key(),
    title: string(),
    description: string().optional(),
    fileName: string(),
    contentType: string().enum(...DOCUMENT_TYPES),
    size: number(),
    status: string().enum('pending', 'published'),
    createdAt: string(),
    createdBy: string(),
    publishedAt: string().optional(),
  }),
  computeKey: ({ orgId, documentId }) => keys.accountDocument(orgId, documentId),
});
