import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { dynamoSignupStore } from '#shared/adapters/dynamodb/repositories/onboarding.ts';
import type { SendCodeDeps } from '#shared/domain/onboarding/signup.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';

let deps: Promise<SendCodeDeps> | undefined;

/** The production wiring of the code-sending use cases (built once per container; no Cognito client). */
export function sendCodeDeps(): Promise<SendCodeDeps> {
  deps ??= getSealer().then((sealer) => ({
    store: dynamoSignupStore({ sealer, ids: systemIds, clock: systemClock }),
    sealer,
    clock: systemClock,
    ids: systemIds,
  }));
  return deps;
}
