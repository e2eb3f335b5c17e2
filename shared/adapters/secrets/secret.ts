import { type JsonService, awsJsonCall } from '#shared/adapters/aws-lite/json-client.ts';
import { ConfigError, ENV, type EnvName, optionalEnv } from '#shared/config/env.ts';

/**
 * Secrets Manager's JSON API through the small signed client: the generated SDK client was ~14 KB in every
 * handler that reads a secret (the cursor key, the outbox sealing key), for one call per cold start.
 */
export const SECRETS_MANAGER: JsonService = { service: 'secretsmanager', targetPrefix: 'secretsmanager', jsonVersion: '1.1', endpointEnv: ENV.secretsManagerEndpoint };

const cache = new Map<string, Promise<string>>();

/**
 * A secret string: the value of `plainEnv` when set (local stack, tests), else the Secrets Manager secret
 * whose ARN is in `arnEnv`, fetched once per cold start and kept in memory (never in the function's
 * configuration or logs).
 */
export function loadSecret(plainEnv: EnvName, arnEnv: EnvName): Promise<string> {
  const plain = optionalEnv(plainEnv);
  if (plain) return Promise.resolve(plain);
  const arn = optionalEnv(arnEnv);
  if (!arn) return Promise.reject(new ConfigError(`Set ${plainEnv} or ${arnEnv}`));
  let pending = cache.get(arn);
  if (!pending) {
    pending = awsJsonCall<{ SecretString?: string }>(SECRETS_MANAGER, 'GetSecretValue', { SecretId: arn }).then((out) => {
      if (!out.SecretString) throw new ConfigError(`Secret ${arn} has no string value`);
      return out.SecretString;
    });
    // A failed fetch is retried on the next call instead of poisoning the container.
    pending.catch(() => cache.delete(arn));
    cache.set(arn, pending);
  }
  return pending;
}
