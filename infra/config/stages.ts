import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Cognito threat protection (the Plus feature plan). `off` keeps the Essentials plan; `audit` records risk
 * events without acting on them; `full` blocks or challenges risky sign-ins and compromised credentials.
 */
export type ThreatProtection = 'off' | 'audit' | 'full';

/** Everything that differs between deployments of the portal. */
export interface StageConfig {
  readonly stage: Stage;
  readonly region: string;
  /** Unset: the stack is account-agnostic, so `cdk synth` works offline without credentials. */
  readonly account?: string;
  readonly mail: {
    /** Domain verified as an SES identity (Easy DKIM); the from address must be in it. */
    readonly domain: string;
    readonly fromAddress: string;
    readonly fromName: string;
  };
  /** Where review requests go (REVIEW_TEAM_EMAIL). */
  readonly reviewTeamEmail: string;
  /** Exact origins allowed by the HTTP API's CORS preflight; never `*` (the SPA sends a bearer token). */
  readonly corsOrigins: readonly string[];
  /** The portal front end's base URL (PORTAL_URL), used for links in emails. */
  readonly portalUrl: string;
  /** Stage-wide HTTP API throttling (requests per second, and the token bucket size). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: RetentionDays;
  readonly logLevel: LogLevel;
  /** Subscribed to the alarm topic when set (the subscription needs a click in the confirmation mail). */
  readonly alarmEmail?: string;
  /** Memory of a function whose spec does not set `memoryMb`; CPU scales with it, so it drives cold starts. */
  readonly lambdaMemoryMb: number;
  readonly invoiceSchedule: { readonly timezone: string };
  readonly threatProtection: ThreatProtection;
}

const account = process.env.CDK_DEFAULT_ACCOUNT || undefined;

// Placeholder domains and addresses: replace with the real ones before the first deploy.
export const stages: Record<Stage, StageConfig> = {
  dev: {
    stage: 'dev',
    region: 'eu-west-3',
    account,
    mail: { domain: 'mail.dev.portal.example.com', fromAddress: 'no-reply@mail.dev.portal.example.com', fromName: 'Support Portal (dev)' },
    reviewTeamEmail: 'review-team+dev@example.com',
    corsOrigins: ['http://localhost:5173', 'https://dev.portal.example.com'],
    portalUrl: 'https://dev.portal.example.com',
    throttle: { rateLimit: 20, burstLimit: 40 },
    logRetention: RetentionDays.ONE_MONTH,
    logLevel: 'DEBUG',
    lambdaMemoryMb: 512,
    invoiceSchedule: { timezone: 'Europe/Paris' },
    threatProtection: 'off',
  },
  prod: {
    stage: 'prod',
    region: 'eu-west-3',
    account,
    mail: { domain: 'mail.portal.example.com', fromAddress: 'no-reply@mail.portal.example.com', fromName: 'Support Portal' },
    reviewTeamEmail: 'review-team@example.com',
    corsOrigins: ['https://portal.example.com'],
    portalUrl: 'https://portal.example.com',
    throttle: { rateLimit: 200, burstLimit: 400 },
    logRetention: RetentionDays.SIX_MONTHS,
    logLevel: 'INFO',
    lambdaMemoryMb: 1024,
    invoiceSchedule: { timezone: 'Europe/Paris' },
    threatProtection: 'full',
  },
};

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** The config of `-c stage=<name>`; dev when unset. Anything else is a typo that must not reach a deploy. */
export function stageConfig(value: unknown = 'dev', overrides: { alarmEmail?: string } = {}): StageConfig {
  if (!isStage(value)) {
    throw new Error(`Unknown stage ${JSON.stringify(value)}: expected one of ${STAGES.join(', ')} (pass -c stage=${STAGES.join('|')})`);
  }
  const config = stages[value];
  if (!config.mail.fromAddress.endsWith(`@${config.mail.domain}`)) {
    throw new Error(`${value}: mail.fromAddress ${config.mail.fromAddress} is not in the SES domain ${config.mail.domain}`);
  }
  if (!/^https:\/\/[^/]+(\/.*)?$/.test(config.portalUrl)) {
    throw new Error(`${value}: portalUrl must be an https URL, got ${config.portalUrl}`);
  }
  if (config.corsOrigins.some((o) => o === '*' || !/^https?:\/\/[^/]+$/.test(o))) {
    throw new Error(`${value}: corsOrigins must be exact origins (scheme://host[:port]), got ${config.corsOrigins.join(', ')}`);
  }
  return overrides.alarmEmail ? { ...config, alarmEmail: overrides.alarmEmail } : config;
}
