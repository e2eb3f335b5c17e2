import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { dynamoSignupStore } from '#shared/adapters/dynamodb/repositories/onboarding.ts';
import { listDomainClassifier } from '#shared/adapters/domains/lists.ts';
import type { SignupDeps } from '#shared/domain/onboarding/signup.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';

let deps: Promise<SignupDeps> | undefined;

/** The production wiring of the signup use cases (built once per container). */
export function signupDeps(): Promise<SignupDeps> {
  deps ??= getSealer().then((sealer) => ({
    store: dynamoSignupStore({ sealer, ids: systemIds, clock: systemClock }),
    identity: cognitoIdentityProvider(),
    sealer,
    classifier: listDomainClassifier,
    clock: systemClock,
    ids: systemIds,
  }));
  return deps;
}
