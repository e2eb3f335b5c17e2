import { randomInt } from 'node:crypto';
import { type EnvName, ENV, optionalEnv } from '#shared/config/env.ts';
import { AwsServiceError, clientFor } from './json-client.ts';

/**
 * A signed call to an AWS REST-JSON API (SES v2) over fetch with SigV4, the REST counterpart of
 * `awsJsonCall` (json-client.ts): the operation is the method and path, the input a JSON body. Used where a
 * generated client would cost a bundle more than the call is worth (@aws-sdk/client-sesv2 and its protocol
 * code: ~60 KB more than the outbox handlers need). Errors are `AwsServiceError`s named as the SDK names
 * them; transport failures (connection refused or reset) are thrown as they come from fetch.
 */
export interface RestService {
  /** Signing name: `ses`. */
  service: string;
  /** Host prefix of the regional endpoint, `<prefix>.<region>.amazonaws.com`: `email` for SES. */
  hostPrefix: string;
  endpointEnv: EnvName;
}

export interface RestCallOptions {
  /** Overrides the endpoint env and the regional endpoint (tests). */
  endpoint?: string;
  /** Attempts in all, counting the first; retried on throttling, 5xx and transport errors. Default 2. */
  maxAttempts?: number;
  /** Each attempt gives up after this long (a hung connection is a transport error). Default 10 s. */
  timeoutMs?: number;
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'LimitExceededException']);

/** The error name of a REST-JSON error response, as the SDK reads it: the header first, then the body. */
export function restErrorName(headers: Headers, body: Record<string, unknown>): string | undefined {
  const clean = (v: unknown) => {
    if (typeof v !== 'string' || !v) return undefined;
    const name = v.split(':')[0]!.split('#').pop()!.trim();
    return name || undefined;
  };
  return clean(headers.get('x-amzn-errortype')) ?? clean(body.__type) ?? clean(body.code);
}

function parseBody(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    const json: unknown = JSON.parse(text);
    return json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, (40 + randomInt(0, 60)) * 2 ** (attempt - 1)));

export async function awsRestCall<T = Record<string, unknown>>(
  svc: RestService,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  input?: unknown,
  opts: RestCallOptions = {},
): Promise<T> {
  const region = optionalEnv(ENV.region) ?? 'eu-west-1';
  const endpoint = opts.endpoint ?? optionalEnv(svc.endpointEnv) ?? `https://${svc.hostPrefix}.${region}.amazonaws.com`;
  const url = `${endpoint.replace(/\/+$/, '')}${path}`;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 2);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const client = clientFor(svc.service, region);
  const init: RequestInit =
    input === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) };
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await client.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      // Connection refused, reset or closed before a response: transient, like the SDK's network errors.
      if (attempt >= maxAttempts) throw e;
      await backoff(attempt);
      continue;
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      // Cut off (or timed out) while reading the answer: transient too.
      if (attempt >= maxAttempts) throw e;
      await backoff(attempt);
      continue;
    }
    const json = parseBody(text);
    if (res.ok) return json as T;
    const name = restErrorName(res.headers, json) ?? (res.status >= 500 ? 'InternalFailure' : 'UnknownError');
    const message = String(json.message ?? json.Message ?? `${method} ${path} failed with ${res.status}`);
    const error = new AwsServiceError(name, message, res.status);
    const retryable = res.status >= 500 || res.status === 429 || THROTTLING.has(name);
    if (attempt >= maxAttempts || !retryable) throw error;
    await backoff(attempt);
  }
}
