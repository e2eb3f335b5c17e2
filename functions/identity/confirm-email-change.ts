import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { listDomainClassifier } from '#shared/adapters/domains/lists.ts';
import { emailChangeConfirmations } from '#shared/adapters/dynamodb/repositories/email-change.ts';
import { confirmEmailChange } from '#shared/contracts/routes/identity.ts';
import { confirmEmailChange as confirm } from '#shared/domain/onboarding/email-change.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const identity = cognitoIdentityProvider();

export const handler = apiHandler(confirmEmailChange)(async ({ auth, body }) => ({
  status: 200,
  body: await confirm(auth, body.code, { store: emailChangeConfirmations, identity, classifier: listDomainClassifier, clock: systemClock }),
}));
