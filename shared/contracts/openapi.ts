import { createDocument } from 'zod-openapi';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { ErrorBody } from './common.ts';
import { type RouteSpec, headersSchemaOf } from './route.ts';
import { routes as allRoutes } from './routes/index.ts';

/**
 * Headers every response can carry, declared once under components.headers:
 * - `x-request-id` on every response (the handlers and the gateway set it);
 * - `RateLimit` / `RateLimit-Policy` (IETF draft-ietf-httpapi-ratelimit-headers): the stage throttling quota
 *   (API Gateway's token bucket; the local server emits both from its bucket); `Retry-After` on a 429;
 * - `Access-Control-Allow-Origin`: only when the request's `Origin` is one of the stage's exact origins (never `*`).
 */
const HEADERS = {
  'x-request-id': { description: 'Correlates the response with the logs.', required: true, schema: { type: 'string' as const, maxLength: 64 } },
  RateLimit: {
    description: 'Remaining quota of the stage throttling (`"stage";r=<requests left>;t=<seconds until one more>`), when the gateway reports it.',
    schema: { type: 'string' as const, maxLength: 128 },
  },
  'RateLimit-Policy': {
    description: 'The stage throttling policy (`"stage";q=<burst>;w=<seconds to refill it>`), when the gateway reports it.',
    schema: { type: 'string' as const, maxLength: 128 },
  },
  'Retry-After': { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'integer' as const, format: 'int32', minimum: 0, maximum: 86_400 } },
  'Access-Control-Allow-Origin': {
    description: "Present when the request's `Origin` is one of the stage's allowed origins (an exact origin, never `*`).",
    schema: { type: 'string' as const, maxLength: 2048 },
  },
};
const ref = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

function responseHeaders(status: string) {
  return {
    'x-request-id': ref('x-request-id'),
    ...(status.startsWith('5') ? {} : { RateLimit: ref('RateLimit'), 'RateLimit-Policy': ref('RateLimit-Policy') }),
    ...(status === '429' ? { 'Retry-After': ref('Retry-After') } : {}),
    'Access-Control-Allow-Origin': ref('Access-Control-Allow-Origin'),
  };
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorBody } },
});

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
  for (const [status, description] of Object.entries(route.errors ?? {})) (out as Record<string, unknown>)[status] = errorResponse(description);
  out['429'] = errorResponse('Too many requests: slow down and retry later.');
  out['500'] = errorResponse('Unexpected error; quote x-request-id.');
  for (const [status, response] of Object.entries(out)) (response as { headers?: unknown }).headers = responseHeaders(status);
  return out;
}

function operationOf(route: RouteSpec): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    (responses as Record<string, unknown>)[status] = {
      description: spec.description,
      headers: responseHeaders(status),
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

/**
 * The longest string an anchored pattern (`^...$`) can match, or undefined when it is unbounded (`*`, `+`,
 * `{n,}`) or uses syntax this does not follow. Lets the document state the `maxLength` a pattern such as
 * `^\\d{6}$` or `^[A-Z]{2}$` already enforces (OWASP API4: bounded strings) without repeating it in every schema.
 */
export function maxLengthOfPattern(pattern: string): number | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return undefined;
  let i = 1;
  const end = pattern.length - 1;
  // Returns the max length of an alternation up to `)` or the end; Infinity when unbounded.
  function alternation(): number {
    let best = 0;
    let current = 0;
    while (i < end && pattern[i] !== ')') {
      if (pattern[i] === '|') {
        best = Math.max(best, current);
        current = 0;
        i++;
        continue;
      }
      let atom: number;
      const c = pattern[i] as string;
      if (c === '(') {
        i++;
        let lookaround = false;
        if (pattern[i] === '?') {
          const next = pattern[i + 1];
          if (next === ':') i += 2;
          else if (next === '=' || next === '!') (lookaround = true), (i += 2);
          else if (next === '<' && pattern[i + 2] !== '=' && pattern[i + 2] !== '!') i = pattern.indexOf('>', i) + 1;
          else return Infinity;
        }
        const inner = alternation();
        if (pattern[i] !== ')') return Infinity;
        i++;
        atom = lookaround ? 0 : inner;
      } else if (c === '[') {
        i++;
        if (pattern[i] === ']') i++;
        while (i < end && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
        if (pattern[i] !== ']') return Infinity;
        i++;
        atom = 1;
      } else if (c === '\\') {
        const e = pattern[i + 1] ?? '';
        if (/[1-9k]/.test(e)) return Infinity; // back references
        i += e === 'x' ? 4 : e === 'u' ? (pattern[i + 2] === '{' ? pattern.indexOf('}', i) + 1 - i : 6) : 2;
        atom = e === 'b' || e === 'B' ? 0 : 1;
      } else if (c === '^' || c === '$') {
        i++;
        atom = 0;
      } else if ('*+?{'.includes(c)) {
        return Infinity;
      } else {
        i++;
        atom = 1;
      }
      // Quantifier.
      const q = pattern[i];
      if (q === '*' || q === '+') return Infinity;
      if (q === '?') i++;
      else if (q === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (!m) return Infinity;
        if (m[2] !== undefined && !m[3]) return Infinity;
        atom *= Number(m[3] ?? m[1]);
        i += m[0].length;
      }
      if (pattern[i] === '?') i++; // lazy
      current += atom;
    }
    return Math.max(best, current);
  }
  const max = alternation();
  return i === end && Number.isFinite(max) ? max : undefined;
}

/** States the bound a string's pattern already enforces (see maxLengthOfPattern). */
function boundStrings(ctx: { jsonSchema: Record<string, unknown> }) {
  const s = ctx.jsonSchema;
  if (s.type !== 'string' || s.maxLength !== undefined || typeof s.pattern !== 'string') return;
  const max = maxLengthOfPattern(s.pattern);
  if (max !== undefined) s.maxLength = max;
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
      servers: [
        {
          url: opts.serverUrl ?? 'https://api.example.com',
          description: opts.serverUrl ? 'This server (the local stand-in, or the deployed dev or prod stage that serves this document)' : 'Deployed stage (dev or prod)',
          // Public: the portal's customers and partners call it (from the SPA or their own integrations).
          'x-internal': false,
        },
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'Cognito access token (a JWS). Verified as RFC8725 recommends: the algorithm is pinned to RS256 with the pool\'s JWKS ' +
              '(`none` and HMAC are rejected), issuer, client id, `token_use: access` and expiry are checked; ID tokens are refused.',
          },
        },
        headers: HEADERS,
      },
      tags: [...new Set((opts.routes ?? allRoutes).flatMap((r) => r.tags))].map((name) => ({ name })),
      paths,
    },
    { reused: 'ref', override: boundStrings },
  );
}

