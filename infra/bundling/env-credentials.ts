/**
 * Bundling alias for `@aws-sdk/credential-provider-node` in Lambda bundles only.
 *
 * In Lambda the execution role's credentials are always in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the default chain's SSO, INI, process, web-identity and
 * IMDS providers (and the STS/SSO clients they pull in) are dead weight: ~135 KB minified per handler and
 * measurable import time. Tests and the local stack run from source and keep the real chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (_init?: unknown) => fromEnv();
