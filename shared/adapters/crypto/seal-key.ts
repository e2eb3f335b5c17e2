import { ENV, optionalEnv, ConfigError } from '#shared/config/env.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import { aesSealer } from './aes-sealer.ts';

let sealer: Sealer | undefined;

/** The process's sealer, from the base64 key in OUTBOX_SEAL_KEY. */
export function envSealer(): Sealer {
  if (sealer) return sealer;
  const b64 = optionalEnv(ENV.sealKey);
  if (!b64) throw new ConfigError(`${ENV.sealKey} is not set`);
  sealer = aesSealer(Buffer.from(b64, 'base64'));
  return sealer;
}
