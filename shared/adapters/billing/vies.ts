import { ENV, optionalEnv } from '#shared/config/env.ts';
import type { VatRegistry } from '#shared/domain/billing/ports.ts';

/**
 * VIES (the EU's VAT Information Exchange System) through its REST API: `POST <endpoint>/check-vat-number`
 * with `{ countryCode, vatNumber }` answers `{ valid, name, ... }`. The endpoint comes from VIES_ENDPOINT
 * (https://ec.europa.eu/taxation_customs/vies/rest-api in AWS); unset (the local stack) means no VIES:
 * IDs keep the status `unchecked`. A timeout, a network error, a 5xx or VIES's own "member state
 * unavailable" answers count as unreachable (status pending, re-checked before invoicing).
 */
export function viesRegistry(endpoint: string | undefined = optionalEnv(ENV.viesEndpoint), timeoutMs = 3000): VatRegistry {
  return {
    async check(vatId) {
      if (!endpoint) return { result: 'disabled' };
      try {
        const res = await fetch(`${endpoint.replace(/\/$/, '')}/check-vat-number`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ countryCode: vatId.slice(0, 2), vatNumber: vatId.slice(2) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) {
          await res.body?.cancel();
          return { result: 'unavailable' };
        }
        const body = (await res.json()) as { valid?: unknown; name?: unknown; userError?: unknown };
        if (typeof body.userError === 'string' && body.userError !== 'VALID' && body.userError !== 'INVALID') return { result: 'unavailable' };
        if (body.valid === true) return { result: 'valid', ...(typeof body.name === 'string' && body.name !== '---' ? { name: body.name.slice(0, 200) } : {}) };
        if (body.valid === false) return { result: 'invalid' };
        return { result: 'unavailable' };
      } catch {
        return { result: 'unavailable' };
      }
    },
  };
}
