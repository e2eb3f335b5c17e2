import { ENV, optionalEnv, requireEnv } from '#shared/config/env.ts';
import { IdentityExistsError, type IdentityProvider } from '#shared/domain/identity/ports.ts';
import { AwsServiceError, type JsonService, awsJsonCall } from '#shared/adapters/aws-lite/json-client.ts';

const COGNITO: JsonService = {
  service: 'cognito-idp',
  targetPrefix: 'AWSCognitoIdentityProviderService',
  jsonVersion: '1.1',
  endpointEnv: ENV.cognitoEndpoint,
};

type Attributes = { Name: string; Value?: string }[];
let globalSignOutUnsupported = false;
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
      if (globalSignOutUnsupported) return;
      try {
        await call('AdminUserGlobalSignOut', { Username: email });
      } catch (e) {
        // cognito-local (the local stand-in) has no AdminUserGlobalSignOut: there the disabled identity and
        // the profile status carry the sign-out. Against AWS (no endpoint override) every error counts.
        if (e instanceof AwsServiceError && e.name === 'Unsupported' && optionalEnv(ENV.cognitoEndpoint)) {
          globalSignOutUnsupported = true;
          return;
        }
        throw e;
      }
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

/**
 * BI-5: whether Cognito accepts `password` for `email` (InitiateAuth USER_PASSWORD_AUTH through the app
 * client; a disabled identity is refused like a wrong password). The tokens it returns are revoked at once.
 * (cognito-local answers a wrong password with InvalidPasswordException where Cognito says NotAuthorizedException.)
 */
export async function verifyPassword(email: string, password: string): Promise<boolean> {
  const ClientId = requireEnv(ENV.userPoolClientId);
  try {
    const out = await awsJsonCall<{ AuthenticationResult?: { RefreshToken?: string } }>(COGNITO, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    });
    const refresh = out.AuthenticationResult?.RefreshToken;
    if (refresh) await awsJsonCall(COGNITO, 'RevokeToken', { ClientId, Token: refresh }).catch(() => undefined);
    return true;
  } catch (e) {
    if (e instanceof AwsServiceError && ['NotAuthorizedException', 'UserNotFoundException', 'UserNotConfirmedException', 'PasswordResetRequiredException', 'InvalidPasswordException'].includes(e.name)) return false;
    throw e;
  }
}
