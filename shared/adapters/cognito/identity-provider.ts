import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ENV, optionalEnv, requireEnv } from '#shared/config/env.ts';
import { IdentityExistsError, type IdentityProvider } from '#shared/domain/identity/ports.ts';

let client: CognitoIdentityProviderClient | undefined;
const cognito = () => (client ??= new CognitoIdentityProviderClient({ endpoint: optionalEnv(ENV.cognitoEndpoint) }));

/**
 * Cognito adapter with admin APIs only: users are created by our API after its own checks (self sign-up
 * is off), so Cognito never sends its own verification messages.
 */
export function cognitoIdentityProvider(userPoolId: string = requireEnv(ENV.userPoolId)): IdentityProvider {
  const UserPoolId = userPoolId;
  return {
    async createUser({ email, password, enabled, emailVerified }) {
      let sub: string | undefined;
      try {
        const out = await cognito().send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: email,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: emailVerified ? 'true' : 'false' },
            ],
          }),
        );
        sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      } catch (e) {
        if (e instanceof UsernameExistsException) throw new IdentityExistsError('identity exists');
        throw e;
      }
      // Disable before the password makes the identity usable: there is no window with a usable account.
      if (!enabled) await cognito().send(new AdminDisableUserCommand({ UserPoolId, Username: email }));
      await cognito().send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }));
      if (!sub) sub = await this.findUserId(email);
      if (!sub) throw new Error('Cognito returned no sub for the new user');
      return { userId: sub };
    },
    async setPassword(email, password) {
      await cognito().send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }));
    },
    async enable(email) {
      await cognito().send(new AdminEnableUserCommand({ UserPoolId, Username: email }));
    },
    async disable(email) {
      await cognito().send(new AdminDisableUserCommand({ UserPoolId, Username: email }));
    },
    async markEmailVerified(email) {
      await cognito().send(
        new AdminUpdateUserAttributesCommand({ UserPoolId, Username: email, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }),
      );
    },
    async addToGroup(email, group) {
      await cognito().send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: group }));
    },
    async signOutEverywhere(email) {
      await cognito().send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: email }));
    },
    async findUserId(email) {
      try {
        const out = await cognito().send(new AdminGetUserCommand({ UserPoolId, Username: email }));
        return out.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
      } catch (e) {
        if (e instanceof UserNotFoundException) return undefined;
        throw e;
      }
    },
  };
}
