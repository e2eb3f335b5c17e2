import * as z from 'zod/mini';
import { UtcDateTime, text, withMeta, shakable } from '../common.ts';
import { defineRoute } from '../route.ts';

export const Health = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    status: z.literal('ok'),
    service: text(64),
    stage: text(32),
    version: text(64),
    time: UtcDateTime,
  }), { id: 'Health' }));

export const getHealth = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  handler: 'system/get-health',
  summary: 'Liveness check',
  description: 'Answers without touching any dependency; use it for load-balancer and uptime checks.',
  tags: ['System'],
  auth: { kind: 'public' },
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The API is up.', schema: Health } },
}));

export const systemRoutes = [getHealth] as const;
