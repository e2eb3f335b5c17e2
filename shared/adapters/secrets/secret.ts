import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type EnvName, optionalEnv } from '#shared/config/env.ts';

let client: SecretsManagerClient | undefined;
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
    client ??= new SecretsManagerClient({});
    pending = client.send(new GetSecretValueCommand({ SecretId: arn })).then((out) => {
      if (!out.SecretString) throw new ConfigError(`Secret ${arn} has no string value`);
      return out.SecretString;
    });
    // A failed fetch is retried on the next call instead of poisoning the container.
    pending.catch(() => cache.delete(arn));
    cache.set(arn, pending);
  }
  return pending;
}
