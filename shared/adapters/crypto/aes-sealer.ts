import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Sealer } from '#shared/domain/email/ports.ts';

/**
 * AES-256-GCM, `v1.<iv>.<tag>.<ciphertext>` in base64url. The key (32 bytes) comes from the stage's secret;
 * the local stack generates one per `.local/` folder.
 */
export function aesSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('The sealing key must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(sealed) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unrecognised sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
