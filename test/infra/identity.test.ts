import { describe, expect, it } from 'vitest';
import { STAFF_GROUP } from '#infra/constructs/identity.ts';
import { loadTemplates, refOf, resourcesOfType, rootTemplate } from './assembly.ts';

describe('the user pool', () => {
  const templates = loadTemplates();
  const root = rootTemplate(templates);

  it('signs in with the email as username and lets only admins create users', () => {
    root.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('requires 12 characters and no composition rules (ASVS 6.2.5)', () => {
    root.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: false,
          RequireUppercase: false,
          RequireNumbers: false,
          RequireSymbols: false,
        },
      },
    });
  });

  it('offers TOTP MFA, recovers by email only, and is protected from deletion', () => {
    root.template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: {
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        DeletionProtection: 'ACTIVE',
      },
    });
  });

  it("sends Cognito's emails through SES from the stage's domain and configuration set", () => {
    const [pool] = resourcesOfType(templates, 'AWS::Cognito::UserPool');
    const [configurationSet] = resourcesOfType(templates, 'AWS::SES::ConfigurationSet');
    const email = pool?.resource.Properties?.EmailConfiguration as Record<string, unknown>;
    expect(email.EmailSendingAccount).toBe('DEVELOPER');
    expect(email.From).toContain('<no-reply@mail.dev.portal.example.com>');
    expect(JSON.stringify(email.SourceArn)).toContain(':identity/mail.dev.portal.example.com');
    expect(refOf(email.ConfigurationSet)).toBe(configurationSet?.logicalId);
  });

  it('gives the SPA a public client that hides whether a user exists and can revoke tokens', () => {
    root.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'minutes' },
    });
  });

  it('does not let the SPA change the email attribute directly', () => {
    const [client] = resourcesOfType(templates, 'AWS::Cognito::UserPoolClient');
    expect(client?.resource.Properties?.WriteAttributes).not.toContain('email');
  });

  it('has the vendor-staff group', () => {
    expect(STAFF_GROUP).toBe('vendor-staff');
    root.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: STAFF_GROUP });
  });
});
