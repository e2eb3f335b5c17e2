import type { AttachmentRef, FileStore } from '#shared/domain/desk/ports.ts';
import { objectUrl, presign, presignDownload, signingClient } from './objects.ts';

/**
 * Ticket attachments in S3, over SigV4-signed fetch (aws4fetch, ~7 KB) rather than the S3 SDK client and
 * presigner (~180 KB, which the 450 KB handler budget cannot carry). Three operations:
 * - presigned PUT whose Content-Type and Content-Length are signed headers, so S3 refuses another type or
 *   size (the client sends exactly the headers it is given);
 * - presigned GET with an `attachment` disposition and the declared type;
 * - `inspect`: one signed ranged GET returning the stored type, total size and first bytes, so limits and
 *   file signatures are enforced again wherever a file is relied on (also against stand-ins such as s3rver,
 *   which do not check signatures).
 * With an endpoint override (the local stack) objects are addressed path-style; in AWS, virtual-hosted.
 */

/** Object keys: the org and ticket first, so a key names its tenant; only ids, never a user's file name. */
export const attachmentKey = (ref: AttachmentRef) => `desk/${ref.orgId}/tickets/${ref.ticketId}/${ref.attachmentId}`;

/** Bytes read from the start of an object to check its signature (magic number). */
const HEAD_BYTES = 16;

const attachmentUrl = (ref: AttachmentRef) => objectUrl(attachmentKey(ref));

export const s3AttachmentStore: FileStore = {
  async presignUpload(ref, contentType, size, expiresInSeconds) {
    const headers = { 'content-type': contentType, 'content-length': String(size) };
    return { url: await presign('PUT', attachmentUrl(ref), headers, expiresInSeconds), headers };
  },

  async presignDownload(ref, fileName, contentType, expiresInSeconds) {
    return presignDownload(attachmentKey(ref), fileName, contentType, expiresInSeconds);
  },

  async inspect(ref) {
    const res = await signingClient().fetch(attachmentUrl(ref).toString(), { method: 'GET', headers: { range: `bytes=0-${HEAD_BYTES - 1}` } });
    // 404: never uploaded; 416: an empty object (no byte to read), which no accepted format can be.
    if (res.status === 404 || res.status === 416) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`S3 GET ${attachmentKey(ref)} failed with ${res.status}`);
    }
    const head = new Uint8Array(await res.arrayBuffer()).slice(0, HEAD_BYTES);
    const total = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1];
    return { contentType: res.headers.get('content-type') ?? undefined, size: total !== undefined ? Number(total) : head.length, head };
  },
};
