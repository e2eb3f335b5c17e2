import { randomInt } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { ConfigError, type EnvName, optionalEnv } from '#shared/config/env.ts';

/**
 * A signed call to an AWS JSON-protocol API (Cognito user pools, Step Functions) over fetch with SigV4
 * (aws4fetch, 7 KB). Handlers use this instead of the generated SDK clients for the few calls they make:
 * a full client costs 35-100 KB per bundle, which the 450 KB handler budget cannot carry on top of
 * DynamoDB and zod. Credentials come from the environment, as Lambda provides them; the
 * endpoint is configurable like every other client's, so nothing reaches AWS from a local run.
 */
export class AwsServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

export interface JsonService {
  /** Signing name: `cognito-idp`, `states`. */
  service: string;
  /** X-Amz-Target prefix: `AWSCognitoIdentityProviderService`, `AWSStepFunctions`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  endpointEnv: EnvName;
}

const clients = new Map<string, AwsClient>();

/** The SigV4 signer for `service` in `region`, with the environment's credentials (cached; aws4fetch retries off). */
export function clientFor(service: string, region: string): AwsClient {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new ConfigError('No AWS credentials in the environment');
  const key = `${service}|${region}|${accessKeyId}`;
  let c = clients.get(key);
  if (!c) {
    c = new AwsClient({ accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN, service, region, retries: 0 });
    clients.set(key, c);
  }
  return c;
}

const RETRYABLE = new Set(['ThrottlingException', 'TooManyRequestsException', 'InternalErrorException', 'ServiceUnavailable', 'InternalFailure']);

export async function awsJsonCall<T = Record<string, unknown>>(svc: JsonService, action: string, input: unknown): Promise<T> {
  const region = optionalEnv('AWS_REGION') ?? 'eu-west-1';
  const endpoint = optionalEnv(svc.endpointEnv) ?? `https://${svc.service}.${region}.amazonaws.com`;
  const body = JSON.stringify(input);
  for (let attempt = 1; ; attempt++) {
    const res = await clientFor(svc.service, region).fetch(endpoint.replace(/\/?$/, '/'), {
      method: 'POST',
      headers: { 'content-type': `application/x-amz-json-${svc.jsonVersion}`, 'x-amz-target': `${svc.targetPrefix}.${action}` },
      body,
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (res.ok) return json as T;
    const type = String(json.__type ?? json.code ?? 'UnknownError').split('#').pop() as string;
    const error = new AwsServiceError(type, String(json.message ?? json.Message ?? `${action} failed with ${res.status}`), res.status);
    if (attempt >= 3 || !(RETRYABLE.has(type) || res.status >= 500)) throw error;
    await new Promise((r) => setTimeout(r, 50 * 2 ** attempt + randomInt(0, 50)));
  }
}
