import { ENV, requireEnv } from '#shared/config/env.ts';
import { IdentityExistsError, type IdentityProvider } from '#shared/domain/identity/ports.ts';
import { AwsServiceError, type JsonService, awsJsonCall } from '#shared/adapters/aws-lite/json-client.ts';

const COGNITO: JsonService = {
  service: 'cognito-idp',
  targetPrefix: 'AWSCognitoIdentityProviderService',
  jsonVersion: '1.1',
  endpointEnv: ENV.cognitoEndpoint,
};

type Attributes = { Name: string; Value?: string }[];
const sub = (attrs: Attributes | undefined) => attrs?.find((a) => a.Name === 'sub')?.Value;

/**
 * Cognito adapter with admin APIs only: users are created by our API after its own checks (self sign-up
 * is off), so Cognito never sends its own verification messages. Signed JSON calls, no SDK client (bundle
 * budget; see aws-lite/json-client.ts).
 */
export function cognitoIdentityProvider(userPoolId: string = requireEnv(ENV.userPoolId)): IdentityProvider {
  const UserPoolId = userPoolId;
  const call = <T = Record<string, unknown>>(action: string, input: Record<string, unknown>) => awsJsonCall<T>(COGNITO, action, { UserPoolId, ...input });
  const provider: IdentityProvider = {
    async createUser({ email, password, enabled, emailVerified }) {
      let userId: string | undefined;
      try {
        const out = await call<{ User?: { Attributes?: Attributes } }>('AdminCreateUser', {
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: emailVerified ? 'true' : 'false' },
          ],
        });
        userId = sub(out.User?.Attributes);
      } catch (e) {
        if (e instanceof AwsServiceError && e.name === 'UsernameExistsException') throw new IdentityExistsError('identity exists');
        throw e;
      }
      // Disable before the password makes the identity usable: there is no window with a usable account.
      if (!enabled) await call('AdminDisableUser', { Username: email });
      await call('AdminSetUserPassword', { Username: email, Password: password, Permanent: true });
      userId ??= await provider.findUserId(email);
      if (!userId) throw new Error('Cognito returned no sub for the new user');
      return { userId };
    },
    async setPassword(email, password) {
      await call('AdminSetUserPassword', { Username: email, Password: password, Permanent: true });
    },
    async enable(email) {
      await call('AdminEnableUser', { Username: email });
    },
    async disable(email) {
      await call('AdminDisableUser', { Username: email });
    },
    async markEmailVerified(email) {
      await call('AdminUpdateUserAttributes', { Username: email, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] });
    },
    async changeEmail(currentEmail, newEmail) {
      await call('AdminUpdateUserAttributes', {
        Username: currentEmail,
        UserAttributes: [
          { Name: 'email', Value: newEmail },
          { Name: 'email_verified', Value: 'true' },
        ],
      });
    },
    async addToGroup(email, group) {
      await call('AdminAddUserToGroup', { Username: email, GroupName: group });
    },
    async signOutEverywhere(email) {
      await call('AdminUserGlobalSignOut', { Username: email });
    },
    async startPasswordReset(email) {
      try {
        // A client API (no pool id); with PreventUserExistenceErrors Cognito answers alike for unknown users.
        await awsJsonCall(COGNITO, 'ForgotPassword', { ClientId: requireEnv(ENV.userPoolClientId), Username: email });
      } catch (e) {
        // Stand-ins (and pools without the setting) say so explicitly; the caller must not learn it.
        if (e instanceof AwsServiceError && ['UserNotFoundException', 'InvalidParameterException', 'NotAuthorizedException'].includes(e.name)) return;
        throw e;
      }
    },
    async findUserId(email) {
      try {
        return sub((await call<{ UserAttributes?: Attributes }>('AdminGetUser', { Username: email })).UserAttributes);
      } catch (e) {
        if (e instanceof AwsServiceError && e.name === 'UserNotFoundException') return undefined;
        throw e;
      }
    },
  };
  return provider;
}
