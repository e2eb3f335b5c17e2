/**
 * Environment variable names shared by the CDK app (which sets them) and the runtime (which reads them).
 * Read once at module load through `requireEnv`/`optionalEnv`, so a misconfigured function fails at init
 * instead of on the first request that touches the setting.
 */
export const ENV = {
  stage: 'STAGE',
  tableName: 'TABLE_NAME',
  region: 'AWS_REGION',
  /** Endpoint overrides; unset in AWS, set by the local stack and tests so nothing reaches real AWS. */
  dynamodbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  dynamodbStreamsEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB_STREAMS',
  sesEndpoint: 'AWS_ENDPOINT_URL_SESV2',
  cognitoEndpoint: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
  sfnEndpoint: 'AWS_ENDPOINT_URL_SFN',
  secretsManagerEndpoint: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  staffGroup: 'STAFF_GROUP',
  mailFrom: 'MAIL_FROM',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  reviewTeamEmail: 'REVIEW_TEAM_EMAIL',
  bucketName: 'BUCKET_NAME',
  /** Base64 32-byte key sealing outbox secrets (local stack and tests). */
  sealKey: 'OUTBOX_SEAL_KEY',
  /** In AWS: the Secrets Manager secret holding that key, read once per cold start. */
  sealKeySecretArn: 'OUTBOX_SEAL_KEY_SECRET_ARN',
  corsOrigins: 'CORS_ORIGINS',
  /** The portal front end's base URL, for links in emails (invitations, invoices). */
  portalUrl: 'PORTAL_URL',
  maxBodyBytes: 'MAX_BODY_BYTES',
  /** Base64 HMAC key signing pagination cursors (local stack and tests)... */
  cursorSecret: 'CURSOR_SECRET',
  /** ...or, in AWS, the Secrets Manager secret holding it. */
  cursorSecretArn: 'CURSOR_SECRET_ARN',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** The review state machine (Step Functions); set by CDK with the grants (PortalFunction.bindWorkflow). */
  reviewStateMachineArn: 'REVIEW_STATE_MACHINE_ARN',
  /** Set by the local stack: workflows run on the local engine (infra/local/workflows.ts) instead. */
  localWorkflows: 'LOCAL_WORKFLOWS',
  /** Billing (BI-2/BI-4): the VIES REST endpoint (unset: no VIES, VAT IDs stay `unchecked`) and the batch time zone. */
  viesEndpoint: 'VIES_ENDPOINT',
  billingTimeZone: 'BILLING_TIME_ZONE',
  /** The portal's invoices page, linked from invoice emails (optional). */
  invoicesUrl: 'INVOICES_URL',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireEnv(name: EnvName): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError(`Missing required environment variable ${name}`);
  return value;
}

export function optionalEnv(name: EnvName): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function intEnv(name: EnvName, fallback: number): number {
  const raw = optionalEnv(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}
