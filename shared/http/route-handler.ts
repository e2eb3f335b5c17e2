import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as core from 'zod/v4/core';
import { strictObject } from 'zod/mini';
import { ENV, intEnv, optionalEnv } from '#shared/config/env.ts';
import { type RequestSpec, type ResponseSpec, type RouteSpec, headersSchemaOf } from '#shared/contracts/route.ts';
import type { Principal, PrincipalStore } from '#shared/domain/identity/model.ts';
import { type IdempotencyContext, idempotencyContext } from '#shared/domain/shared/idempotency.ts';
import { containsCardNumber } from '#shared/domain/billing/cards.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { logger } from '#shared/lib/logger.ts';
import { type JwtClaims, authorize } from './auth.ts';
import { jsonResult, successResult, toHttpError } from './errors.ts';
import { readJsonBody, validatePart } from './parse.ts';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

type Out<S> = S extends core.$ZodType ? core.output<S> : undefined;

export interface RouteRequest<R extends RouteSpec> {
  path: Out<R['request']['path']>;
  query: Out<R['request']['query']>;
  headers: Out<R['request']['headers']> & (R['idempotency'] extends 'required' ? { 'idempotency-key': string } : unknown);
  body: Out<R['request']['body']>;
  /** The caller; `undefined` on public routes. */
  auth: R['auth'] extends { kind: 'public' } ? undefined : Principal;
  /** Set on routes with `idempotency: 'required'`: the key scoped to org + user + operation, and the request fingerprint. */
  idempotency: R['idempotency'] extends 'required' ? IdempotencyContext : undefined;
  requestId: string;
  sourceIp: string;
  event: ApiEvent;
}

type ResponseOf<S extends ResponseSpec, Status> = S['schema'] extends core.$ZodType
  ? { status: Status; body: core.input<S['schema']>; headers?: Record<string, string> }
  : { status: Status; body?: undefined; headers?: Record<string, string> };

export type RouteResponse<R extends RouteSpec> = {
  [K in keyof R['responses'] & number]: ResponseOf<R['responses'][K], K>;
}[keyof R['responses'] & number];

export type RouteImpl<R extends RouteSpec> = (req: RouteRequest<R>) => Promise<RouteResponse<R>>;

export interface RouteDeps {
  /** Required for every non-public route. */
  principals?: PrincipalStore;
}

interface State {
  requestId: string;
  started: number;
  req: Partial<Omit<RouteRequest<RouteSpec>, 'idempotency'>> & { idempotency?: IdempotencyContext };
}

const DEFAULT_MAX_BODY = 64 * 1024;
/** Routes without a query schema accept no query parameters at all (unknown fields are a 400). */
const NO_PARAMS = strictObject({});

/**
 * Wraps a route implementation in the HTTP middleware stack (middy): request context and logging, error
 * mapping, authorization, body parsing (413/415/400), strict validation of every request part, and the JSON
 * response with `x-request-id`. The route spec is the single source of truth for all of it.
 */
export function createRouteHandler<R extends RouteSpec<RequestSpec, Record<number, ResponseSpec>>>(route: R, deps: RouteDeps = {}) {
  // Curried so that R is fixed by the route before the implementation is type-checked against it.
  return (impl: RouteImpl<R>) => buildHandler(route, impl, deps);
}

function buildHandler<R extends RouteSpec>(route: R, impl: RouteImpl<R>, deps: RouteDeps) {
  if (route.auth.kind !== 'public' && !deps.principals) {
    throw new Error(`${route.operationId}: a non-public route needs a principal store`);
  }
  const maxBytes = intEnv(ENV.maxBodyBytes, DEFAULT_MAX_BODY);
  const staffGroup = optionalEnv(ENV.staffGroup) ?? 'vendor-staff';
  const headersSchema = headersSchemaOf(route);
  const states = new WeakMap<ApiEvent, State>();

  const context: MiddlewareObj<ApiEvent, ApiResult> = {
    before: (request) => {
      const event = request.event;
      const requestId = event.requestContext?.requestId ?? crypto.randomUUID();
      states.set(event, { requestId, started: performance.now(), req: { requestId, event } });
      logger.appendKeys({ requestId, operationId: route.operationId });
    },
    after: (request) => finish(request, request.response?.statusCode ?? 200),
    onError: (request) => {
      const st = states.get(request.event);
      const requestId = st?.requestId ?? 'unknown';
      const err = request.error;
      const http = toHttpError(err);
      if (http.status >= 500) {
        logger.error('request failed', { error: err as Error, status: http.status });
      } else {
        logger.warn(failureMessage(http.status), { status: http.status, errorCode: http.body.error.code, param: http.body.error.param });
      }
      // The send limits count per clock hour (and day): the next hour is the earliest a retry can pass.
      const retryAfter = http.status === 429 ? { 'retry-after': String(3600 - (Math.floor(Date.now() / 1000) % 3600)) } : undefined;
      request.response = jsonResult(http.status, http.body, requestId, retryAfter);
      finish(request, http.status);
    },
  };

  function finish(request: { event: ApiEvent }, status: number) {
    const st = states.get(request.event);
    logger.info('request completed', {
      status,
      method: request.event.requestContext?.http?.method,
      route: route.path,
      durationMs: st ? Math.round((performance.now() - st.started) * 1000) / 1000 : undefined,
    });
    logger.removeKeys(['requestId', 'operationId']);
  }

  const authAndParse: MiddlewareObj<ApiEvent, ApiResult> = {
    before: async (request) => {
      const event = request.event;
      const st = states.get(event) as State;
      const headers = lowerCaseHeaders(event.headers);
      if (route.auth.kind !== 'public') {
        const claims = event.requestContext?.authorizer?.jwt?.claims as JwtClaims | undefined;
        const orgHeader = headers['x-org-id'];
        st.req.auth = await authorize(route.auth, claims, orgHeader, {
          store: deps.principals as PrincipalStore,
          staffGroup,
        });
      }
      const { request: spec } = route;
      const body = readJsonBody(
        { body: event.body, isBase64Encoded: event.isBase64Encoded ?? false, contentType: headers['content-type'] },
        { maxBytes, expectsBody: spec.body !== undefined },
      );
      if (route.refuseCardNumbers && containsCardNumber(body)) {
        throw new ValidationError('card_number_refused', 'Card numbers are never accepted here: tokenize the card with the payment provider and send its token.', 'body');
      }
      st.req.path = spec.path ? validatePart(spec.path, event.pathParameters ?? {}, 'path') : undefined;
      const query = validatePart(spec.query ?? NO_PARAMS, event.queryStringParameters ?? {}, 'query');
      st.req.query = spec.query ? query : undefined;
      st.req.headers = headersSchema ? validatePart(headersSchema, headers, 'header') : undefined;
      st.req.body = spec.body ? validatePart(spec.body, body, 'body') : undefined;
      st.req.sourceIp = event.requestContext?.http?.sourceIp ?? '0.0.0.0';
      if (route.idempotency === 'required') {
        const principal = st.req.auth as Principal | undefined;
        st.req.idempotency = idempotencyContext({
          operationId: route.operationId,
          userId: principal?.userId ?? 'anonymous',
          orgId: principal?.activeOrg?.orgId,
          key: (st.req.headers as Record<string, string>)['idempotency-key'] as string,
          request: { path: st.req.path, query: st.req.query, body: st.req.body },
        });
      }
    },
  };

  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(context)
    .use(authAndParse)
    .handler(async (event) => {
      const st = states.get(event) as State;
      const res = await impl(st.req as RouteRequest<R>);
      return successResult(res.status, res.body, st.requestId, res.headers);
    });

  function failureMessage(status: number): string {
    if (status === 401) return 'authentication failed';
    if (status === 403 || status === 404) return 'authorization failed';
    if (status === 429) return 'rate limited';
    return 'request rejected';
  }
}

export function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

