import { type BookStore, type DeviceStore, type DirectoryStore, RefusedWriteError, type SupportStore } from '#shared/domain/account/ports.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { type CancellationReason, Expr, type TransactItem, cancellationReasons, transact, txCheck, txDelete, txPut, txUpdate } from '../commands.ts';
import { accountDocumentItem, addressItem, checkoutProfileItem, contractRequestItem, deviceGroupItem, invitationItem } from '../entities/account.ts';
import { membershipItem } from '../entities/identity.ts';
import { writeIdempotently } from '../idempotent-write.ts';
import { keys } from '../keys.ts';
import { joiningProfile, requireCopies, withCurrentCopies, withOldOnFailure } from './directory.ts';
import { outboxPut } from './outbox.ts';

/**
 * The account page's transactions: creations with their idempotency record (`writeIdempotently`: the entity
 * and the record in one TransactWriteItems, the entity itself conditional), and the writes that send an
 * email through the outbox. One DynamoDB call each (plus the P8 read of a replay).
 */

const failed = (r: CancellationReason | undefined) => r?.Code === 'ConditionalCheckFailed';
/** Condition of a create: no item with this key yet (`attr`: one of its key attributes). */
const absent = (attr: string) => new Expr().exists(attr, false);
/** Condition: the item exists (`attr`: one of its key attributes). */
const present = (attr: string) => new Expr().exists(attr);

/** The outbox's dependencies: the sealer comes from the handler (its key is loaded once per cold start). */
export interface MailDeps {
  sealer: Sealer;
}

/** P52 invitation: (re)written with its email and the idempotency record; kept a day past its expiry. */
export function putInvitation(mail: MailDeps): DirectoryStore['putInvitation'] {
  return (invitation, email, idempotency, response, now) =>
    writeIdempotently(idempotency, response, [txPut(invitationItem(invitation)), outboxPut(email, { sealer: mail.sealer, ids: systemIds, clock: systemClock })], now);
}

/**
 * P55 accept: the invitation consumed (only the one read, only before it expires), the membership created
 * (not if one exists) with its member copies, the profile's tier and primary org set (only while its name and
 * email are the copies'; see joiningProfile), and the confirmation email: one transaction. Renamed meanwhile:
 * once more with the new copies (withCurrentCopies).
 */
export function acceptInvitation(mail: MailDeps): DirectoryStore['acceptInvitation'] {
  return async ({ invitation, membership, tier, primaryOrgId, email, now }) => {
    const unchanged = new Expr().equals('createdAt', invitation.createdAt);
    unchanged.when(`${unchanged.name('expiresAt')} > ${unchanged.value(now.toISOString())}`);
    try {
      await withCurrentCopies(requireCopies(membership), 2, (current) => {
        const member = { ...membership, ...current };
        return transact([
          txDelete(keys.invitation(invitation.email, invitation.orgId), unchanged),
          txPut(membershipItem(member), absent('orgId')),
          withOldOnFailure(txUpdate(keys.user(membership.userId), joiningProfile(present('userId').set({ tier, primaryOrgId, updatedAt: now.toISOString() }), member))),
          outboxPut(email, { sealer: mail.sealer, ids: systemIds, clock: systemClock }),
        ]);
      });
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
  writeIdempotently(idempotency, response, [txPut(addressItem({ ...entry, usedBy: undefined }), absent('addressId'))], now, entityExists);

/** P57 create a checkout profile and record it on its address (which must exist); its payment method must be one of the org's (P74). */
export const createCheckoutProfile: BookStore['createCheckoutProfile'] = (profile, idempotency, response, now) =>
  writeIdempotently(
    idempotency,
    response,
    [
      txPut(checkoutProfileItem(profile), absent('profileId')),
      txUpdate(keys.address(profile.orgId, profile.addressId), present('addressId').add('usedBy', new Set([profile.profileId]))),
      // The payment method is one of the org's cards on file (billing, P74).
      txCheck(keys.paymentMethod(profile.orgId, profile.paymentMethodToken), present('pk')),
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
  writeIdempotently(idempotency, response, [txPut(deviceGroupItem(group), absent('groupId'))], now, entityExists);

/**
 * P61 a service request, with a check per asset that it is one of the org's (at most 50: the transaction
 * stays under DynamoDB's 100 items with the request and the idempotency record).
 */
export const createContractRequest: DeviceStore['createContractRequest'] = (request, idempotency, response, now) => {
  const writes: TransactItem[] = [
    txPut(contractRequestItem(request), absent('requestId')),
    ...request.serials.map((serial) => txCheck(keys.asset(request.orgId, serial), present('serial'))),
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
    [txCheck(keys.org(doc.orgId), present('orgId')), txPut(accountDocumentItem(doc), absent('documentId'))],
    now,
    (reasons) => {
      if (failed(reasons[0])) throw new RefusedWriteError('org_missing');
      if (failed(reasons[1])) throw new RefusedWriteError('entity_exists');
    },
  );
