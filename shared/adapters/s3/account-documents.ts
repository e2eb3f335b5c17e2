import type { DocumentFiles } from '#shared/domain/account/ports.ts';
import { objectUrl, presign, presignDownload, signingClient } from './objects.ts';

/**
 * The account team's documents in S3 (AC-7), over SigV4-signed fetch (aws4fetch) like the desk's
 * attachments (shared/adapters/s3/attachments.ts), not the S3 SDK client, which the handler bundle budget
 * cannot carry. Uploads are presigned PUTs whose type and length are signed headers; downloads are
 * presigned GETs with an `attachment` disposition, signed afresh on every request; `inspect` is one signed
 * HEAD. With an endpoint override (the local stack) objects are addressed path-style.
 */

/** Object keys name their tenant first and carry only ids, never a user-supplied name. */
export const documentKey = (orgId: string, documentId: string) => `account/${orgId}/documents/${documentId}`;

const documentUrl = (orgId: string, documentId: string) => objectUrl(documentKey(orgId, documentId));

export const s3DocumentFiles: DocumentFiles = {
  async presignUpload(orgId, documentId, contentType, size, expiresInSeconds) {
    const headers = { 'content-type': contentType, 'content-length': String(size) };
    return { url: await presign('PUT', documentUrl(orgId, documentId), headers, expiresInSeconds), headers };
  },

  async presignDownload(orgId, documentId, fileName, contentType, expiresInSeconds) {
    return presignDownload(documentKey(orgId, documentId), fileName, contentType, expiresInSeconds);
  },

  async inspect(orgId, documentId) {
    const res = await signingClient().fetch(documentUrl(orgId, documentId).toString(), { method: 'HEAD' });
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`S3 HEAD ${documentKey(orgId, documentId)} failed with ${res.status}`);
    return { contentType: res.headers.get('content-type') ?? undefined, size: Number(res.headers.get('content-length') ?? '0') };
  },
};
