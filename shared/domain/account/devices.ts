import { createHash } from 'node:crypto';
import type { Clock } from '#shared/lib/ids.ts';
import type { Ticket } from '../desk/model.ts';
import { NotFoundError, PreconditionError } from '../errors.ts';
import type { Principal } from '../identity/model.ts';
import { type IdempotencyContext, idempotentEntityId } from '../shared/idempotency.ts';
import { entityConflictAsKeyReuse } from './books.ts';
import { DEFAULT_WARRANTY, familyOf, findModel } from './catalog.ts';
import { type Cursors, DAY_MS, isoDay, labelKey, memberOf, pageOf, pager, requireIdempotency, serialKey } from './common.ts';
import {
  type Asset,
  type ContractDuration,
  type ContractRequest,
  type ContractRequestKind,
  type DeviceGroup,
  type DeviceIdKind,
  type GroupCriteria,
  WARRANTY_PLANS,
  type WarrantyPlan,
  type WarrantyStatus,
} from './model.ts';
import { type DeviceStore, RefusedWriteError } from './ports.ts';

/**
 * AC-5 devices: the org's assets (service tag or serial number, model, ship date, warranty plan and end
 * date) come from two sources: a projection of the desk's shipped tickets (a ticket reaching Ready to bill
 * carries the ship date, serial numbers and model) and staff imports. Custom groups select individual
 * products, product families, sites, or a combination of families and sites.
 * AC-6 service contracts: the support plan of each asset; renewing or upgrading files a service request.
 */

/** A ticket's devices have shipped once it reaches this status (SD-2: Ready to bill). */
export const SHIPPED_STATUS = 'ready_to_bill' satisfies Ticket['status'];

/** Warranties ending within this many days are `expiring_soon`. */
export const EXPIRING_WINDOW_DAYS = 60;

export function warrantyStatus(endDate: string, today: string): WarrantyStatus {
  if (endDate < today) return 'expired';
  const soon = isoDay(new Date(new Date(`${today}T00:00:00Z`).getTime() + EXPIRING_WINDOW_DAYS * DAY_MS));
  return endDate <= soon ? 'expiring_soon' : 'active';
}

export function assetView(a: Asset, today: string) {
  return {
    serial: a.serial,
    idKind: a.idKind,
    model: a.model,
    family: a.family,
    ...(a.site ? { site: a.site } : {}),
    ...(a.shipDate ? { shipDate: a.shipDate } : {}),
    warranty: {
      plan: a.warranty.plan,
      ...(a.warranty.startDate ? { startDate: a.warranty.startDate } : {}),
      endDate: a.warranty.endDate,
      status: warrantyStatus(a.warranty.endDate, today),
    },
    source: a.source.kind === 'shipment' ? { kind: 'shipment' as const, reference: a.source.reference } : { kind: 'import' as const },
  };
}

/**
 * Group membership: any listed individual product, or (when families or sites are given) a product of one
 * of the families at one of the sites (an empty list means any). Labels compare case-insensitively.
 */
export function inGroup(a: Pick<Asset, 'serial' | 'family' | 'site'>, c: GroupCriteria): boolean {
  if (c.serials.some((s) => serialKey(s) === a.serial)) return true;
  if (c.families.length === 0 && c.sites.length === 0) return false;
  const familyOk = c.families.length === 0 || c.families.some((f) => labelKey(f) === labelKey(a.family));
  const siteOk = c.sites.length === 0 || (a.site !== undefined && c.sites.some((s) => labelKey(s) === labelKey(a.site as string)));
  return familyOk && siteOk;
}

const groupNotFound = (param: string) => new NotFoundError('device_group_not_found', 'No such device group.', param);

/**
 * The org's devices, optionally in one custom group and/or one warranty status. Filters apply to each page
 * as read, so a page may hold fewer than `limit` devices: follow `nextCursor` until it is absent. The first
 * page of a group reads the group and the devices in one Query; later pages read the group beside them.
 */
export async function listDevices(
  q: { groupId?: string | undefined; warranty?: WarrantyStatus | undefined; limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: { store: Pick<DeviceStore, 'listAssets' | 'groupPage' | 'getDeviceGroup'>; cursors: Cursors; clock: Clock },
) {
  const org = memberOf(auth);
  const today = isoDay(deps.clock.now());
  const pages = pager(deps.cursors, 'account-devices', org.orgId, auth.userId, q.groupId ?? '', q.warranty ?? '');
  const after = await pages.decode(q.cursor);
  let page;
  let group: DeviceGroup | undefined;
  if (q.groupId === undefined) page = await deps.store.listAssets(org.orgId, q.limit, after);
  else if (after === undefined) {
    page = await deps.store.groupPage(org.orgId, q.groupId, q.limit);
    group = page.group;
  } else {
    [group, page] = await Promise.all([deps.store.getDeviceGroup(org.orgId, q.groupId), deps.store.groupPage(org.orgId, q.groupId, q.limit, after)]);
  }
  if (q.groupId !== undefined && !group) throw groupNotFound('query.groupId');
  const items = page.items
    .filter((a) => !group || inGroup(a, group.criteria))
    .map((a) => assetView(a, today))
    .filter((v) => !q.warranty || v.warranty.status === q.warranty);
  return pageOf(items, await pages.encode(page.lastKey));
}

export function groupView(g: DeviceGroup) {
  return {
    groupId: g.groupId,
    name: g.name,
    serials: [...g.criteria.serials],
    families: [...g.criteria.families],
    sites: [...g.criteria.sites],
    createdBy: { name: g.createdBy.name },
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}

export interface GroupInput {
  name: string;
  serials?: string[] | undefined;
  families?: string[] | undefined;
  sites?: string[] | undefined;
}

const criteriaOf = (input: GroupInput): GroupCriteria => ({
  serials: [...new Set((input.serials ?? []).map(serialKey))],
  families: input.families ?? [],
  sites: input.sites ?? [],
});

export async function listDeviceGroups(q: { limit: number; cursor?: string | undefined }, auth: Principal, deps: { store: Pick<DeviceStore, 'listDeviceGroups'>; cursors: Cursors }) {
  const org = memberOf(auth);
  const pages = pager(deps.cursors, 'account-device-groups', org.orgId, auth.userId);
  const page = await deps.store.listDeviceGroups(org.orgId, q.limit, await pages.decode(q.cursor));
  return pageOf(page.items.map(groupView), await pages.encode(page.lastKey));
}

export async function createDeviceGroup(input: GroupInput, auth: Principal, idempotencyContext: IdempotencyContext | undefined, deps: { store: Pick<DeviceStore, 'createDeviceGroup'>; clock: Clock }) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const now = deps.clock.now();
  const at = now.toISOString();
  const group: DeviceGroup = {
    orgId: org.orgId,
    groupId: idempotentEntityId('dgr', idempotency),
    name: input.name,
    criteria: criteriaOf(input),
    createdBy: { userId: auth.userId, name: auth.name },
    createdAt: at,
    updatedAt: at,
  };
  const view = groupView(group);
  const out = await entityConflictAsKeyReuse(() => deps.store.createDeviceGroup(group, idempotency, { status: 201, body: view }, now));
  return out.response.body as typeof view;
}

export async function updateDeviceGroup(groupId: string, input: GroupInput, auth: Principal, deps: { store: Pick<DeviceStore, 'updateDeviceGroup'>; clock: Clock }) {
  const org = memberOf(auth);
  try {
    return groupView(await deps.store.updateDeviceGroup({ orgId: org.orgId, groupId, name: input.name, criteria: criteriaOf(input), updatedAt: deps.clock.now().toISOString() }));
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') throw groupNotFound('path.groupId');
    throw e;
  }
}

export async function deleteDeviceGroup(groupId: string, auth: Principal, deps: { store: Pick<DeviceStore, 'deleteDeviceGroup'> }) {
  const org = memberOf(auth);
  try {
    await deps.store.deleteDeviceGroup(org.orgId, groupId);
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') throw groupNotFound('path.groupId');
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Where assets come from

/** The end of a warranty of `years` from `start` (a date). */
export function warrantyEnd(start: string, years: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() - 1);
  return isoDay(d);
}

/** A shipped device's site: where it was delivered ("Lyon, FR"). */
export const siteOf = (address: { city: string; country: string }) => `${address.city.trim()}, ${address.country}`;

/**
 * The assets a ticket brings when it reaches Ready to bill (shipped): one per serial number, with the
 * model's family and standard warranty from the catalog, starting on the ship date. Anything else (not
 * shipped, no serials) brings none.
 */
export function assetsFromShippedTicket(t: Pick<Ticket, 'orgId' | 'ticketId' | 'reference' | 'status' | 'deviceModel' | 'shipDate' | 'serialNumbers' | 'deliveryAddress'>, now: Date): Asset[] {
  if ((t.status !== SHIPPED_STATUS && t.status !== 'billed') || !t.shipDate || !t.serialNumbers?.length) return [];
  const model = t.deviceModel?.trim() || 'Unspecified model';
  const known = findModel(model);
  const warranty = known?.warranty ?? DEFAULT_WARRANTY;
  return [...new Set(t.serialNumbers.map(serialKey))].map((serial) => ({
    orgId: t.orgId,
    serial,
    idKind: 'serial_number' as const,
    model,
    family: familyOf(model),
    site: siteOf(t.deliveryAddress),
    shipDate: t.shipDate,
    warranty: { plan: warranty.plan, startDate: t.shipDate, endDate: warrantyEnd(t.shipDate as string, warranty.years) },
    source: { kind: 'shipment' as const, ticketId: t.ticketId, reference: t.reference },
    updatedAt: now.toISOString(),
  }));
}

/** Projects a shipped ticket into the org's assets (stream consumer). Returns how many were written. */
export async function projectShippedTicket(ticket: Parameters<typeof assetsFromShippedTicket>[0], deps: { store: Pick<DeviceStore, 'putShippedAssets'>; clock: Clock }) {
  const assets = assetsFromShippedTicket(ticket, deps.clock.now());
  return assets.length === 0 ? 0 : deps.store.putShippedAssets(assets);
}

export interface ImportedDevice {
  serial: string;
  idKind: DeviceIdKind;
  model: string;
  family?: string | undefined;
  site?: string | undefined;
  shipDate?: string | undefined;
  warranty: { plan: WarrantyPlan; startDate?: string | undefined; endDate: string };
}

/** Staff import (AC-5): replaces what the org's records say about these assets; the org must exist. */
export async function importDevices(orgId: string, devices: ImportedDevice[], auth: Principal, deps: { store: Pick<DeviceStore, 'importAssets'>; clock: Clock }) {
  const at = deps.clock.now().toISOString();
  const assets: Asset[] = devices.map((d) => ({
    orgId,
    serial: serialKey(d.serial),
    idKind: d.idKind,
    model: d.model,
    family: d.family ?? familyOf(d.model),
    site: d.site,
    shipDate: d.shipDate,
    warranty: { plan: d.warranty.plan, startDate: d.warranty.startDate, endDate: d.warranty.endDate },
    source: { kind: 'import', importedBy: auth.userId },
    updatedAt: at,
  }));
  try {
    await deps.store.importAssets(orgId, assets);
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'org_missing') throw new NotFoundError('org_not_found', 'No such organization.', 'path.orgId');
    throw e;
  }
  return { imported: assets.length };
}

// ---------------------------------------------------------------------------------------------------------
// AC-6 service contracts

export function contractView(a: Asset, today: string) {
  const v = assetView(a, today);
  return {
    serial: v.serial,
    model: v.model,
    plan: v.warranty.plan,
    ...(v.warranty.startDate ? { startDate: v.warranty.startDate } : {}),
    endDate: v.warranty.endDate,
    status: v.warranty.status,
    upgradableTo: WARRANTY_PLANS.slice(WARRANTY_PLANS.indexOf(a.warranty.plan) + 1),
  };
}

/** The support contract of each of the org's assets (optionally only some statuses), per asset. */
export async function listServiceContracts(
  q: { status?: WarrantyStatus | undefined; limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: { store: Pick<DeviceStore, 'listAssets'>; cursors: Cursors; clock: Clock },
) {
  const org = memberOf(auth);
  const today = isoDay(deps.clock.now());
  const pages = pager(deps.cursors, 'account-contracts', org.orgId, auth.userId, q.status ?? '');
  const page = await deps.store.listAssets(org.orgId, q.limit, await pages.decode(q.cursor));
  const items = page.items.map((a) => contractView(a, today)).filter((c) => !q.status || c.status === q.status);
  return pageOf(items, await pages.encode(page.lastKey));
}

/** `SR-` and 10 characters derived from the request id: short enough to quote on the phone. */
export function contractReference(requestId: string): string {
  return `SR-${createHash('sha256').update(requestId).digest('hex').slice(0, 10).toUpperCase()}`;
}

export function contractRequestView(r: ContractRequest) {
  return {
    requestId: r.requestId,
    reference: r.reference,
    kind: r.kind,
    plan: r.plan,
    durationMonths: r.durationMonths,
    serials: [...r.serials],
    status: r.status,
    requester: { name: r.requester.name },
    createdAt: r.createdAt,
  };
}

/**
 * AC-6: renew or upgrade the support of some of the org's assets for a duration and plan. Files a service
 * request (the vendor quotes and applies it); every asset must be one of the org's (a foreign or unknown
 * serial answers 404). An upgrade needs a plan above the basic one.
 */
export async function requestContractChange(
  input: { kind: ContractRequestKind; serials: string[]; plan: WarrantyPlan; durationMonths: ContractDuration },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: { store: Pick<DeviceStore, 'createContractRequest'>; clock: Clock },
) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  if (input.kind === 'upgrade' && input.plan === WARRANTY_PLANS[0]) {
    throw new PreconditionError('upgrade_needs_higher_plan', `An upgrade moves to ${WARRANTY_PLANS.slice(1).join(' or ')}.`, 'body.plan');
  }
  const now = deps.clock.now();
  const requestId = idempotentEntityId('csr', idempotency);
  const request: ContractRequest = {
    orgId: org.orgId,
    requestId,
    reference: contractReference(requestId),
    kind: input.kind,
    plan: input.plan,
    durationMonths: input.durationMonths,
    serials: [...new Set(input.serials.map(serialKey))],
    requester: { userId: auth.userId, name: auth.name, email: auth.email },
    status: 'submitted',
    createdAt: now.toISOString(),
  };
  const view = contractRequestView(request);
  try {
    const out = await entityConflictAsKeyReuse(() => deps.store.createContractRequest(request, idempotency, { status: 201, body: view }, now));
    return out.response.body as typeof view;
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'asset_missing') {
      const serial = request.serials[e.index ?? 0] ?? '';
      const index = input.serials.findIndex((s) => serialKey(s) === serial);
      throw new NotFoundError('device_not_found', `No device ${serial} in your organization.`, `body.serials.${Math.max(index, 0)}`);
    }
    throw e;
  }
}
