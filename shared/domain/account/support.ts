import type { Clock } from '#shared/lib/ids.ts';
import type { DeskStore } from '../desk/ports.ts';
import { summaryView } from '../desk/views.ts';
import { ForbiddenError, NotFoundError, PreconditionError } from '../errors.ts';
import type { Principal } from '../identity/model.ts';
import { type IdempotencyContext, idempotentEntityId } from '../shared/idempotency.ts';
import { entityConflictAsKeyReuse } from './books.ts';
import { type Cursors, dateRange, memberOf, pageOf, pager, requireIdempotency } from './common.ts';
import { contractRequestView } from './devices.ts';
import { type AccountContact, type AccountDocument, type DocumentType, SOFTWARE_REGIONS, type SoftwareSubscription } from './model.ts';
import { type DocumentFiles, RefusedWriteError, type SupportStore } from './ports.ts';

/**
 * AC-7: the org's account-team contacts and documents (both maintained by vendor staff), and its support
 * history. AC-8: software subscriptions, offered to US organizations only.
 */

const orgNotFound = () => new NotFoundError('org_not_found', 'No such organization.', 'path.orgId');
const mapOrgMissing = (e: unknown) => (e instanceof RefusedWriteError && e.reason === 'org_missing' ? orgNotFound() : e);

export async function listContacts(auth: Principal, deps: { store: Pick<SupportStore, 'getContacts'> }) {
  const org = memberOf(auth);
  const contacts = await deps.store.getContacts(org.orgId);
  return { items: contacts.map((c) => ({ ...c })) };
}

/** Staff replace an org's account-team contacts (at most 10). */
export async function setContacts(orgId: string, contacts: AccountContact[], auth: Principal, deps: { store: Pick<SupportStore, 'putContacts'>; clock: Clock }) {
  try {
    await deps.store.putContacts(orgId, contacts, auth.userId, deps.clock.now());
  } catch (e) {
    throw mapOrgMissing(e);
  }
  return { items: contacts.map((c) => ({ ...c })) };
}

// ---------------------------------------------------------------------------------------------------------
// Documents

/** Presigned upload URLs are valid this long; download URLs (fresh for every request) much less. */
export const DOCUMENT_UPLOAD_SECONDS = 15 * 60;
export const DOCUMENT_DOWNLOAD_SECONDS = 5 * 60;

export function documentView(d: AccountDocument, opts: { staff: boolean }) {
  return {
    documentId: d.documentId,
    title: d.title,
    ...(d.description ? { description: d.description } : {}),
    fileName: d.fileName,
    contentType: d.contentType,
    size: d.size,
    ...(opts.staff ? { status: d.status, createdAt: d.createdAt } : {}),
    ...(d.publishedAt ? { publishedAt: d.publishedAt } : {}),
  };
}

const documentNotFound = () => new NotFoundError('document_not_found', 'No such document.', 'path.documentId');

/** The org's published documents (in a stable order, by id). */
export async function listDocuments(q: { limit: number; cursor?: string | undefined }, auth: Principal, deps: { store: Pick<SupportStore, 'listDocuments'>; cursors: Cursors }) {
  const org = memberOf(auth);
  const pages = pager(deps.cursors, 'account-documents', org.orgId, auth.userId);
  const page = await deps.store.listDocuments(org.orgId, q.limit, await pages.decode(q.cursor));
  return pageOf(
    page.items.filter((d) => d.status === 'published').map((d) => documentView(d, { staff: false })),
    await pages.encode(page.lastKey),
  );
}

/** A fresh, short-lived download link for a published document of the caller's org (a new one each call). */
export async function getDocumentDownload(documentId: string, auth: Principal, deps: { store: Pick<SupportStore, 'getDocument'>; files: Pick<DocumentFiles, 'presignDownload'>; clock: Clock }) {
  const org = memberOf(auth);
  const doc = await deps.store.getDocument(org.orgId, documentId);
  if (!doc || doc.status !== 'published') throw documentNotFound();
  const url = await deps.files.presignDownload(org.orgId, doc.documentId, doc.fileName, doc.contentType, DOCUMENT_DOWNLOAD_SECONDS);
  return { url, expiresAt: new Date(deps.clock.now().getTime() + DOCUMENT_DOWNLOAD_SECONDS * 1000).toISOString() };
}

/**
 * Staff register a document for an org and get a presigned upload; the document stays invisible to the org
 * until publishDocument has checked the stored file. The stored (replayed) response is the document; the
 * upload URL is signed afresh for every call, so a retry never hands out an expired one.
 */
export async function createDocumentUpload(
  orgId: string,
  input: { title: string; description?: string | undefined; fileName: string; contentType: DocumentType; size: number },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: { store: Pick<SupportStore, 'createDocument'>; files: Pick<DocumentFiles, 'presignUpload'>; clock: Clock },
) {
  const idempotency = requireIdempotency(idempotencyContext);
  const now = deps.clock.now();
  const doc: AccountDocument = {
    orgId,
    documentId: idempotentEntityId('doc', idempotency),
    title: input.title,
    description: input.description,
    fileName: input.fileName,
    contentType: input.contentType,
    size: input.size,
    status: 'pending',
    createdAt: now.toISOString(),
    createdBy: auth.userId,
  };
  const view = documentView(doc, { staff: true });
  let stored: typeof view;
  try {
    stored = (await entityConflictAsKeyReuse(() => deps.store.createDocument(doc, idempotency, { status: 201, body: view }, now))).response.body as typeof view;
  } catch (e) {
    throw mapOrgMissing(e);
  }
  const upload = await deps.files.presignUpload(orgId, stored.documentId, stored.contentType, stored.size, DOCUMENT_UPLOAD_SECONDS);
  return {
    document: stored,
    upload: { method: 'PUT' as const, url: upload.url, headers: upload.headers, expiresAt: new Date(now.getTime() + DOCUMENT_UPLOAD_SECONDS * 1000).toISOString() },
  };
}

/** Staff publish a document once its file is stored as declared (type and size): then members see it. */
export async function publishDocument(
  orgId: string,
  documentId: string,
  deps: { store: Pick<SupportStore, 'getDocument' | 'publishDocument'>; files: Pick<DocumentFiles, 'inspect'>; clock: Clock },
) {
  // The file first, then one conditional write that checks it against the declared type and size (2 DynamoDB
  // calls with the principal); the document is read only when there is no file, to tell 404 from 422.
  const stored = await deps.files.inspect(orgId, documentId);
  if (!stored) {
    const doc = await deps.store.getDocument(orgId, documentId);
    if (!doc) throw documentNotFound();
    if (doc.status === 'published') return documentView(doc, { staff: true });
    throw new PreconditionError('upload_missing', 'Upload the file with the presigned URL first.', 'path.documentId');
  }
  const contentType = stored.contentType?.split(';')[0]?.trim().toLowerCase();
  try {
    return documentView(await deps.store.publishDocument(orgId, documentId, { contentType, size: stored.size }, deps.clock.now()), { staff: true });
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') throw documentNotFound();
    if (e instanceof RefusedWriteError && e.reason === 'file_mismatch') {
      throw new PreconditionError('upload_mismatch', 'The stored file does not match the declared type and size: upload it again.', 'path.documentId');
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Support history

export const HISTORY_DEFAULT_DAYS = 90;
export const HISTORY_MAX_DAYS = 366;
/** Per source and request: a longer history is narrowed with `from`/`to` (the answer says `truncated`). */
export const HISTORY_MAX_ITEMS = 200;

/**
 * The org's support history (AC-7): its device requests and service requests created in a date range,
 * newest first. Site admins see the whole org; other members too when the org shares tickets (the desk's
 * setting, read in the same Query as the tickets), otherwise their own requests. Both sources are read in
 * parallel.
 */
export async function listSupportHistory(
  q: { from?: string | undefined; to?: string | undefined },
  auth: Principal,
  deps: { desk: Pick<DeskStore, 'listOrgTickets'>; store: Pick<SupportStore, 'listContractRequests'>; clock: Clock },
) {
  const org = memberOf(auth);
  const range = dateRange(q, deps.clock.now(), HISTORY_DEFAULT_DAYS, HISTORY_MAX_DAYS);
  const admin = org.role === 'site_admin';
  const [tickets, requests] = await Promise.all([
    deps.desk.listOrgTickets(org.orgId, { from: range.from, to: range.to }, HISTORY_MAX_ITEMS, undefined, !admin),
    deps.store.listContractRequests(org.orgId, range.from, range.to, HISTORY_MAX_ITEMS),
  ]);
  const wholeOrg = admin || tickets.settings?.visibility === 'org';
  const mine = (userId: string) => wholeOrg || userId === auth.userId;
  const items = [
    ...tickets.items
      .filter((t) => mine(t.requester.userId))
      .map((t) => ({ kind: 'device_request' as const, createdAt: t.createdAt, ticket: summaryView(t) })),
    ...requests.items
      .filter((r) => mine(r.requester.userId))
      .map((r) => ({ kind: 'service_request' as const, createdAt: r.createdAt, serviceRequest: contractRequestView(r) })),
  ].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return { from: range.from, to: range.to, scope: wholeOrg ? ('org' as const) : ('mine' as const), items, truncated: tickets.lastKey !== undefined || requests.more };
}

// ---------------------------------------------------------------------------------------------------------
// AC-8 software and subscriptions

export async function listSoftwareSubscriptions(auth: Principal, deps: { store: Pick<SupportStore, 'softwareOverview'>; clock: Clock }) {
  const org = memberOf(auth);
  const { org: item, subscriptions } = await deps.store.softwareOverview(org.orgId);
  if (!item || !SOFTWARE_REGIONS.includes(item.country)) {
    throw new ForbiddenError('not_available_in_region', 'Software and subscriptions are not available in your region (United States organizations only).');
  }
  const today = deps.clock.now().toISOString().slice(0, 10);
  return { items: subscriptions.map((s) => ({ ...s, active: s.startDate <= today && today <= s.endDate })) };
}

export async function setSoftwareSubscriptions(orgId: string, subscriptions: SoftwareSubscription[], auth: Principal, deps: { store: Pick<SupportStore, 'putSoftware'>; clock: Clock }) {
  try {
    await deps.store.putSoftware(orgId, subscriptions, auth.userId, deps.clock.now());
  } catch (e) {
    throw mapOrgMissing(e);
  }
  return { items: subscriptions.map((s) => ({ ...s })) };
}
