import { ENV } from '#shared/config/env.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import { loadSecret } from '#shared/adapters/secrets/secret.ts';
import { aesSealer } from './aes-sealer.ts';

let sealer: Promise<Sealer> | undefined;

/** The process's sealer; its 32-byte key (base64) comes from OUTBOX_SEAL_KEY or the secret in OUTBOX_SEAL_KEY_SECRET_ARN. */
export function getSealer(): Promise<Sealer> {
  sealer ??= loadSecret(ENV.sealKey, ENV.sealKeySecretArn)
    .then((b64) => aesSealer(Buffer.from(b64, 'base64')))
    .catch((e) => {
      sealer = undefined;
      throw e;
    });
  return sealer;
}
