import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { dynamoRegistrationStore } from '#shared/adapters/dynamodb/repositories/registration.ts';
import type { RegistrationDeps } from '#shared/domain/onboarding/registration.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';

let deps: Promise<RegistrationDeps> | undefined;

/** Production wiring of registration and org choice (built once per container). */
export function registrationDeps(): Promise<RegistrationDeps> {
  deps ??= getSealer().then((sealer) => ({ store: dynamoRegistrationStore({ sealer, ids: systemIds, clock: systemClock }), clock: systemClock }));
  return deps;
}
