/** Port over the user directory (Cognito). The domain never sees SDK types. */
export interface IdentityProvider {
  /**
   * Creates a sign-in identity for `email` with `password`. `enabled: false` creates it disabled: it can
   * obtain no token until `enable` (used until the email is verified).
   */
  createUser(input: { email: string; password: string; enabled: boolean; emailVerified: boolean }): Promise<{ userId: string }>;
  setPassword(email: string, password: string): Promise<void>;
  enable(email: string): Promise<void>;
  disable(email: string): Promise<void>;
  markEmailVerified(email: string): Promise<void>;
  /** Moves the identity to a new (already proven) email address, which becomes its sign-in name. */
  changeEmail(currentEmail: string, newEmail: string): Promise<void>;
  addToGroup(email: string, group: string): Promise<void>;
  /** Revokes every refresh token of the user (sign out everywhere). */
  signOutEverywhere(email: string): Promise<void>;
  /**
   * Asks Cognito to send its password-reset code (ForgotPassword through the app client). Resolves the same
   * whether or not the user exists: an unknown user is not an error here.
   */
  startPasswordReset(email: string): Promise<void>;
  /** The user id (`sub`) of an existing identity, or undefined. */
  findUserId(email: string): Promise<string | undefined>;
}

export class IdentityExistsError extends Error {
  override name = 'IdentityExistsError';
}
