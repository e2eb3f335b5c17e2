import { ConditionCheck } from 'dynamodb-toolbox/entity/actions/transactCheck';
import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate';
import { execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { $add } from 'dynamodb-toolbox/entity/actions/update';
import { DAY_MS } from '#shared/domain/account/common.ts';
import { type BookStore, type DeviceStore, type DirectoryStore, RefusedWriteError, type SupportStore } from '#shared/domain/account/ports.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import {
  AccountDocumentEntity,
  AddressEntity,
  AssetEntity,
  CheckoutProfileEntity,
  ContractRequestEntity,
  DeviceGroupEntity,
  InvitationEntity,
} from '../entities/account.ts';
import { MembershipEntity, OrgEntity, UserEntity } from '../entities/identity.ts';
import { type CancellationReason, type WriteTransaction, cancellationReasons, rawWrite, writeIdempotently } from '../idempotent-write.ts';
import { keys } from '../keys.ts';
import { table } from '../table.ts';
import { outboxPut } from './outbox.ts';

/**
 * The account page's transactions: creations with their idempotency record (`writeIdempotently`: the entity
 * and the record in one TransactWriteItems, the entity itself conditional), and the writes that send an
 * email through the outbox. One DynamoDB call each (plus the P8 read of a replay).
 */

const failed = (r: CancellationReason | undefined) => r?.Code === 'ConditionalCheckFailed';
const epoch = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

/** The outbox's dependencies: the sealer comes from the handler (its key is loaded once per cold start). */
export interface MailDeps {
  sealer: Sealer;
}

/** P52 invitation: (re)written with its email and the idempotency record; kept a day past its expiry. */
export function putInvitation(mail: MailDeps): DirectoryStore['putInvitation'] {
  return (invitation, email, idempotency, response, now) =>
    writeIdempotently(
      idempotency,
      response,
      [
        InvitationEntity.build(PutTransaction).item({ ...invitation, ttl: epoch(invitation.expiresAt) + DAY_MS / 1000 }),
        outboxPut(email, { sealer: mail.sealer, ids: systemIds, clock: systemClock }),
      ],
      now,
    );
}

/**
 * P55 accept: the invitation consumed (only the one read, only before it expires), the membership created
 * (not if one exists), the profile's tier and primary org set, and the confirmation email: one transaction.
 */
export function acceptInvitation(mail: MailDeps): DirectoryStore['acceptInvitation'] {
  return async ({ invitation, membership, tier, primaryOrgId, email, now }) => {
    table();
    try {
      await execute(
        InvitationEntity.build(DeleteTransaction)
          .key({ email: invitation.email, orgId: invitation.orgId })
          .options({ condition: { and: [{ attr: 'createdAt', eq: invitation.createdAt }, { attr: 'expiresAt', gt: now.toISOString() }] } }),
        MembershipEntity.build(PutTransaction).item(membership).options({ condition: { attr: 'orgId', exists: false } }),
        UserEntity.build(UpdateTransaction)
          .item({
            userId: membership.userId,
            ...(tier ? { tier } : {}),
            ...(primaryOrgId ? { primaryOrgId } : {}),
            updatedAt: now.toISOString(),
          })
          .options({ condition: { attr: 'userId', exists: true } }),
        outboxPut(email, { sealer: mail.sealer, ids: systemIds, clock: systemClock }),
      );
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (!reasons) throw e;
      if (failed(reasons[0])) throw new RefusedWriteError('invitation_gone');
      if (failed(reasons[1])) throw new RefusedWriteError('already_member');
      throw e;
    }
  };
}

/** Maps the cancellation of an idempotent create whose own writes start at reasons[0]. */
const entityExists = (reasons: CancellationReason[]) => {
  if (failed(reasons[0])) throw new RefusedWriteError('entity_exists');
};

/** P56 create an address (conditional on its id, derived from the Idempotency-Key). */
export const createAddress: BookStore['createAddress'] = (entry, idempotency, response, now) =>
  writeIdempotently(
    idempotency,
    response,
    [AddressEntity.build(PutTransaction).item({ ...entry, usedBy: undefined }).options({ condition: { attr: 'addressId', exists: false } })],
    now,
    entityExists,
  );

/** P57 create a checkout profile and record it on its address (which must exist); its payment method must be one of the org's (P74). */
export const createCheckoutProfile: BookStore['createCheckoutProfile'] = (profile, idempotency, response, now) =>
  writeIdempotently(
    idempotency,
    response,
    [
      CheckoutProfileEntity.build(PutTransaction).item(profile).options({ condition: { attr: 'profileId', exists: false } }),
      AddressEntity.build(UpdateTransaction)
        .item({ orgId: profile.orgId, addressId: profile.addressId, usedBy: $add(new Set([profile.profileId])) })
        .options({ condition: { attr: 'addressId', exists: true } }),
      // The payment method is one of the org's cards on file (billing, P74).
      rawWrite({
        ConditionCheck: { TableName: table().getName(), Key: keys.paymentMethod(profile.orgId, profile.paymentMethodToken), ConditionExpression: 'attribute_exists(pk)' },
      }),
    ],
    now,
    (reasons) => {
      entityExists(reasons);
      if (failed(reasons[1])) throw new RefusedWriteError('address_missing');
      if (failed(reasons[2])) throw new RefusedWriteError('payment_method_missing');
    },
  );

/** P58 create a device group. */
export const createDeviceGroup: DeviceStore['createDeviceGroup'] = (group, idempotency, response, now) =>
  writeIdempotently(
    idempotency,
    response,
    [DeviceGroupEntity.build(PutTransaction).item(group).options({ condition: { attr: 'groupId', exists: false } })],
    now,
    entityExists,
  );

/**
 * P61 a service request, with a check per asset that it is one of the org's (at most 50: the transaction
 * stays under DynamoDB's 100 items with the request and the idempotency record).
 */
export const createContractRequest: DeviceStore['createContractRequest'] = (request, idempotency, response, now) => {
  const writes: WriteTransaction[] = [
    ContractRequestEntity.build(PutTransaction).item(request).options({ condition: { attr: 'requestId', exists: false } }),
    ...request.serials.map((serial) => AssetEntity.build(ConditionCheck).key({ orgId: request.orgId, serial }).condition({ attr: 'serial', exists: true })),
  ];
  return writeIdempotently(idempotency, response, writes, now, (reasons) => {
    entityExists(reasons);
    const missing = request.serials.findIndex((_, i) => failed(reasons[i + 1]));
    if (missing >= 0) throw new RefusedWriteError('asset_missing', missing);
  });
};

/** P63 a pending document, for an org that must exist. */
export const createDocument: SupportStore['createDocument'] = (doc, idempotency, response, now) =>
  writeIdempotently(
    idempotency,
    response,
    [
      OrgEntity.build(ConditionCheck).key({ orgId: doc.orgId }).condition({ attr: 'orgId', exists: true }),
      AccountDocumentEntity.build(PutTransaction).item(doc).options({ condition: { attr: 'documentId', exists: false } }),
    ],
    now,
    (reasons) => {
      if (failed(reasons[0])) throw new RefusedWriteError('org_missing');
      if (failed(reasons[1])) throw new RefusedWriteError('entity_exists');
    },
  );
