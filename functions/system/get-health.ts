import { ENV, optionalEnv } from '#shared/config/env.ts';
import { getHealth } from '#shared/contracts/routes/system.ts';
import { createRouteHandler } from '#shared/http/route-handler.ts';

const service = optionalEnv(ENV.serviceName) ?? 'support-portal';
const stage = optionalEnv(ENV.stage) ?? 'local';
const version = process.env.APP_VERSION ?? '0.1.0';

export const handler = createRouteHandler(getHealth)(async () => ({
  status: 200,
  body: { status: 'ok', service, stage, version, time: new Date().toISOString() },
}));
