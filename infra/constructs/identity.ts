import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';
import type { Email } from './email.ts';
import type { UserDirectory } from './portal-function.ts';

/** The Cognito group whose members are vendor staff (`auth.kind: 'staff'` routes); passed as STAFF_GROUP. */
export const STAFF_GROUP = 'vendor-staff';

export interface IdentityProps {
  readonly config: StageConfig;
  /** Cognito's own emails go out through this identity and configuration set. */
  readonly email: Pick<Email, 'identity' | 'configurationSetName'>;
}

/**
 * The user pool of portal accounts and the SPA's app client. Defaults:
 * - sign-in with the email as username (case-insensitive); no self sign-up: the API creates users with
 *   admin calls after its own checks (verification codes, domain rules);
 * - passwords: 12 characters minimum, no composition rules; MFA optional (TOTP only); recovery by email only;
 * - Cognito's emails sent by SES from the stage's verified domain and from address, through its
 *   configuration set; an email change takes effect only once the new address is verified;
 * - threat protection (Plus plan) as the stage config says;
 * - deletion protection and RemovalPolicy.RETAIN;
 * - app client: public (no secret), USER_PASSWORD_AUTH + USER_SRP_AUTH + refresh, no OAuth/hosted UI,
 *   PreventUserExistenceErrors, token revocation, access and ID tokens 30 min, refresh token 7 days;
 * - group `vendor-staff`.
 */
export class Identity extends Construct implements UserDirectory {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly staffGroup = STAFF_GROUP;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const { config } = props;
    const protection = config.threatProtection;
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      email: cognito.UserPoolEmail.withSES({
        fromEmail: config.mail.fromAddress,
        fromName: config.mail.fromName,
        sesRegion: config.region,
        sesVerifiedDomain: config.mail.domain,
        configurationSetName: props.email.configurationSetName,
      }),
      featurePlan: protection === 'off' ? cognito.FeaturePlan.ESSENTIALS : cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode:
        protection === 'off'
          ? undefined
          : protection === 'audit'
            ? cognito.StandardThreatProtectionMode.AUDIT_ONLY
            : cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The pool names the identity by ARN only; without this CloudFormation could create the pool first.
    this.userPool.node.addDependency(props.email.identity);

    const profile = new cognito.ClientAttributes().withStandardAttributes({ fullname: true, locale: true });
    this.client = this.userPool.addClient('SpaClient', {
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      disableOAuth: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(30),
      idTokenValidity: Duration.minutes(30),
      refreshTokenValidity: Duration.days(7),
      readAttributes: profile.withStandardAttributes({ email: true, emailVerified: true }),
      // The email is changed through the API (it checks domains and memberships), never by the SPA directly.
      writeAttributes: profile,
    });

    this.userPool.addGroup('StaffGroup', {
      groupName: STAFF_GROUP,
      description: 'Vendor staff: access to the staff routes of the portal API',
    });

    acknowledge(
      this.userPool,
      'AwsSolutions-COG1',
      'Minimum length 12 with no composition rules on purpose: OWASP ASVS 5.0 6.2.5 requires that passwords of any composition are accepted, with no rules on character types; length is the control that matters, and Cognito accepts up to 256 characters.',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is OPTIONAL with TOTP: accounts are created by the API for customer and partner users who enrol an authenticator themselves; forcing MFA at first sign-in would lock out users without one. Mitigations: 12+ character passwords, PreventUserExistenceErrors, token revocation, server-side account status checks on every request.',
    );
    if (protection === 'off') {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG8',
        `Stage ${config.stage} holds test accounts only and stays on the Essentials plan; the stage config enables threat protection (Plus plan) where real users sign in.`,
      );
    }
  }

  get userPoolId(): string {
    return this.userPool.userPoolId;
  }

  get userPoolArn(): string {
    return this.userPool.userPoolArn;
  }

  get userPoolClientId(): string {
    return this.client.userPoolClientId;
  }
}
