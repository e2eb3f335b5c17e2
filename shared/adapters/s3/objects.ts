import { AwsClient, AwsV4Signer } from 'aws4fetch';
import { ConfigError, ENV, optionalEnv, requireEnv } from '#shared/config/env.ts';

/**
 * The files bucket over SigV4-signed fetch (aws4fetch, ~7 KB) rather than the S3 SDK client and presigner
 * (~180 KB, which the 450 KB handler budget cannot carry). Shared by the desk's attachments, the account
 * team's documents and billing's invoice PDFs: presigned PUT/GET, and plain signed requests. With an
 * endpoint override (the local stack) objects are addressed path-style; in AWS, virtual-hosted.
 */

export function s3Credentials() {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new ConfigError('No AWS credentials in the environment');
  return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN, service: 's3', region: optionalEnv(ENV.region) ?? 'eu-west-1' };
}

export function objectUrl(key: string): URL {
  const bucket = requireEnv(ENV.bucketName);
  const endpoint = optionalEnv(ENV.s3Endpoint);
  if (endpoint) return new URL(`${endpoint.replace(/\/$/, '')}/${bucket}/${key}`);
  return new URL(`https://${bucket}.s3.${s3Credentials().region}.amazonaws.com/${key}`);
}

export async function presign(method: 'PUT' | 'GET', url: URL, headers: Record<string, string>, expiresInSeconds: number): Promise<string> {
  url.searchParams.set('X-Amz-Expires', String(expiresInSeconds));
  const signed = await new AwsV4Signer({ ...s3Credentials(), method, url: url.toString(), headers, signQuery: true, allHeaders: true }).sign();
  return signed.url.toString();
}

/** RFC 6266 `attachment` disposition: an ASCII fallback and the UTF-8 name. */
export function disposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** A presigned GET that downloads `key` as `fileName` of `contentType`. */
export async function presignDownload(key: string, fileName: string, contentType: string, expiresInSeconds: number): Promise<string> {
  const url = objectUrl(key);
  url.searchParams.set('response-content-disposition', disposition(fileName));
  url.searchParams.set('response-content-type', contentType);
  return presign('GET', url, {}, expiresInSeconds);
}

let client: AwsClient | undefined;
export const signingClient = () => (client ??= new AwsClient({ ...s3Credentials(), retries: 2 }));

/** Writes an object (a server-side generated file such as an invoice PDF). */
export async function putObject(key: string, body: Uint8Array, contentType: string): Promise<void> {
  const res = await signingClient().fetch(objectUrl(key).toString(), { method: 'PUT', headers: { 'content-type': contentType }, body });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`S3 PUT ${key} failed with ${res.status}`);
}
