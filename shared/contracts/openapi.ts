import { createDocument } from 'zod-openapi';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { ErrorBody } from './common.ts';
import { type RouteSpec, headersSchemaOf } from './route.ts';
import { routes as allRoutes } from './routes/index.ts';

const errorResponse = (description: string) => ({
  description,
  headers: { 'x-request-id': { description: 'Correlates the response with the logs.', schema: { type: 'string' as const, maxLength: 64 } } },
  content: { 'application/json': { schema: ErrorBody } },
});

const RATE_LIMIT_HEADERS = {
  'x-request-id': { description: 'Correlates the response with the logs.', schema: { type: 'string' as const, maxLength: 64 } },
};

/** The error responses a route can produce, derived from what the HTTP layer enforces for it. */
function errorResponsesOf(route: RouteSpec): ZodOpenApiResponsesObject {
  const out: ZodOpenApiResponsesObject = {
    '400': errorResponse('Invalid request: malformed JSON, unknown or invalid field (`param` names it), missing header.'),
  };
  if (route.auth.kind !== 'public') {
    out['401'] = errorResponse('Missing, invalid or expired access token.');
    out['403'] = errorResponse('Signed in, but not allowed: account inactive or unverified, missing role or org membership.');
  }
  if (route.request.path || route.auth.kind !== 'public') {
    out['404'] = errorResponse('Not found, or not visible to the caller (a foreign object answers exactly like a missing one).');
  }
  if (route.idempotency === 'required') {
    out['409'] = errorResponse('A request with this Idempotency-Key is still in progress, or the state changed.');
    out['422'] = errorResponse('This Idempotency-Key was used with a different request.');
  }
  if (route.request.body) {
    out['413'] = errorResponse('The body is over the size limit.');
    out['415'] = errorResponse('The body is not application/json.');
  }
  out['429'] = errorResponse('Too many requests: slow down and retry later.');
  out['500'] = errorResponse('Unexpected error; quote x-request-id.');
  return out;
}

function operationOf(route: RouteSpec): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    (responses as Record<string, unknown>)[status] = {
      description: spec.description,
      headers: RATE_LIMIT_HEADERS,
      ...(spec.schema ? { content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } } : {}),
    };
  }
  const headers = headersSchemaOf(route);
  const op: ZodOpenApiOperationObject = {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    security: route.auth.kind === 'public' ? [] : [{ bearerAuth: [] }],
    requestParams: {
      ...(route.request.path ? { path: route.request.path } : {}),
      ...(route.request.query ? { query: route.request.query } : {}),
      ...(headers ? { header: headers } : {}),
    },
    responses: { ...responses, ...errorResponsesOf(route) },
  };
  if (route.request.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: route.request.body } } };
  }
  if (route.auth.kind !== 'public') {
    const who = route.auth.kind === 'staff' ? 'Vendor staff only.' : route.auth.roles ? `Org roles: ${route.auth.roles.join(', ')}.` : 'Any signed-in account.';
    op.description = [op.description, `**Access:** ${who}`].filter(Boolean).join('\n\n');
  }
  return op;
}

export interface OpenApiOptions {
  serverUrl?: string;
  version?: string;
  routes?: readonly RouteSpec[];
}

/** The OpenAPI 3.1 document, generated from the route table (the same zod schemas the handlers validate with). */
export function buildOpenApiDocument(opts: OpenApiOptions = {}) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of opts.routes ?? allRoutes) {
    const item = (paths[route.path] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[route.method.toLowerCase()] = operationOf(route);
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Support Portal API',
        version: opts.version ?? '0.1.0',
        description:
          'Backend of the B2B customer and partner support portal: onboarding, organizations, service desk, billing and account management. ' +
          'Every error has the shape `{"error":{"type","code","message","param"?}}`; every response carries `x-request-id`.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        contact: { name: 'Portal platform team' },
      },
      servers: [{ url: opts.serverUrl ?? 'https://api.example.com', description: opts.serverUrl ? 'This server' : 'Deployed stage' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token.' },
        },
      },
      tags: [...new Set((opts.routes ?? allRoutes).flatMap((r) => r.tags))].map((name) => ({ name })),
      paths,
    },
    { reused: 'ref' },
  );
}

