import middy, { type MiddlewareObj } from '@middy/core';
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
import { checkPart, readJsonBody, withoutStack } from './parse.ts';

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

const DEFAULT_MAX_BODY = 64 * 1024;
/** Routes without a query schema accept no query parameters at all (unknown fields are a 400). */
const NO_PARAMS = strictObject({});
/** Ends a handler this long before the Lambda timeout (middy's race), with a logged 500 instead of a cut-off invocation. */
const TIMEOUT_EARLY_MS = 5;

/** What the lifecycle middleware keeps for one request. */
interface RequestState {
  requestId: string;
  started: number;
}

/**
 * Wraps a route implementation in the HTTP pipeline: request context and logging, error mapping,
 * authorization, body parsing (413/415/400), strict validation of every request part, and the JSON response
 * with `x-request-id`. The route spec is the single source of truth for all of it.
 */
export function createRouteHandler<R extends RouteSpec<RequestSpec, Record<number, ResponseSpec>>>(route: R, deps: RouteDeps = {}) {
  // Curried so that R is fixed by the route before the implementation is type-checked against it.
  return (impl: RouteImpl<R>) => buildHandler(route, impl, deps);
}

/**
 * One middy handler per route, built once: everything that depends only on the route (limits, schemas, names) is
 * resolved here, so a call does only the work its request needs. One lifecycle middleware opens the request's
 * log context, closes it with the completion line, and maps any error (the use case's, or middy's early timeout)
 * to the error model; the handler authorizes, parses and validates, and calls the implementation. Expected 400s
 * are returned, not thrown: a throw costs more than the rest of the invalid-input path.
 */
function buildHandler<R extends RouteSpec>(route: R, impl: RouteImpl<R>, deps: RouteDeps) {
  if (route.auth.kind !== 'public' && !deps.principals) {
    throw new Error(`${route.operationId}: a non-public route needs a principal store`);
  }
  const maxBytes = intEnv(ENV.maxBodyBytes, DEFAULT_MAX_BODY);
  const staffGroup = optionalEnv(ENV.staffGroup) ?? 'vendor-staff';
  const headersSchema = headersSchemaOf(route);
  const { operationId, path: routePath, auth: authRule, request: spec } = route;
  const authOptions = authRule.kind === 'public' ? undefined : { store: deps.principals as PrincipalStore, staffGroup };
  const bodyOptions = { maxBytes, expectsBody: spec.body !== undefined };

  /** Authorization first (a caller who may not call the route learns nothing about its input), then parsing. */
  function authorizeCaller(event: ApiEvent, headers: Record<string, string>): Promise<Principal> | undefined {
    if (authRule.kind === 'public') return undefined;
    const claims = event.requestContext?.authorizer?.jwt?.claims as JwtClaims | undefined;
    return authorize(authRule, claims, headers['x-org-id'], authOptions as NonNullable<typeof authOptions>);
  }

  /** The validated request, or the 400 of the first part at fault (path, query, headers, body, in that order). */
  function parseRequest(event: ApiEvent, headers: Record<string, string>, auth: Principal | undefined, requestId: string): RouteRequest<R> | ValidationError {
    const body = readJsonBody({ body: event.body, isBase64Encoded: event.isBase64Encoded ?? false, contentType: headers['content-type'] }, bodyOptions);
    if (route.refuseCardNumbers && containsCardNumber(body)) {
      return withoutStack(
        () => new ValidationError('card_number_refused', 'Card numbers are never accepted here: tokenize the card with the payment provider and send its token.', 'body'),
      );
    }
    const path = spec.path ? checkPart(spec.path, event.pathParameters ?? {}, 'path') : undefined;
    if (path && !path.ok) return path.error;
    const queryParams = event.queryStringParameters;
    const query = spec.query ? checkPart(spec.query, queryParams ?? {}, 'query') : undefined;
    if (query && !query.ok) return query.error;
    // Without a query schema only an empty query is valid: the check has nothing to do unless a parameter came.
    if (!spec.query && hasKeys(queryParams)) {
      const none = checkPart(NO_PARAMS, queryParams, 'query');
      if (!none.ok) return none.error;
    }
    const validHeaders = headersSchema ? checkPart(headersSchema, headers, 'header') : undefined;
    if (validHeaders && !validHeaders.ok) return validHeaders.error;
    const validBody = spec.body ? checkPart(spec.body, body, 'body') : undefined;
    if (validBody && !validBody.ok) return validBody.error;
    const req = {
      path: path?.value,
      query: query?.value,
      headers: validHeaders?.value,
      body: validBody?.value,
      auth,
      idempotency:
        route.idempotency === 'required'
          ? idempotencyContext({
              operationId,
              userId: auth?.userId ?? 'anonymous',
              orgId: auth?.activeOrg?.orgId,
              key: (validHeaders?.value as Record<string, string>)['idempotency-key'] as string,
              request: { path: path?.value, query: query?.value, body: validBody?.value },
            })
          : undefined,
      requestId,
      sourceIp: event.requestContext?.http?.sourceIp ?? '0.0.0.0',
      event,
    };
    return req as RouteRequest<R>;
  }

  function errorResult(err: unknown, requestId: string): ApiResult {
    const http = toHttpError(err);
    if (http.status >= 500) {
      logger.error('request failed', { error: err as Error, status: http.status });
    } else {
      logger.warn(failureMessage(http.status), { status: http.status, errorCode: http.body.error.code, param: http.body.error.param });
    }
    // The send limits count per clock hour (and day): the next hour is the earliest a retry can pass.
    const retryAfter = http.status === 429 ? { 'retry-after': String(3600 - (Math.floor(Date.now() / 1000) % 3600)) } : undefined;
    return jsonResult(http.status, http.body, requestId, retryAfter);
  }

  function finish(event: ApiEvent, status: number, started: number) {
    logger.info('request completed', {
      status,
      method: event.requestContext?.http?.method,
      route: routePath,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
    logger.endRequest();
  }

  const states = new WeakMap<ApiEvent, RequestState>();
  const lifecycle: MiddlewareObj<ApiEvent, ApiResult, Error, Context> = {
    before: ({ event }) => {
      const requestId = event.requestContext?.requestId ?? crypto.randomUUID();
      states.set(event, { requestId, started: performance.now() });
      logger.startRequest({ requestId, operationId });
    },
    after: ({ event, response }) => finish(event, response?.statusCode ?? 200, states.get(event)?.started ?? performance.now()),
    onError: (request) => {
      const st = states.get(request.event);
      request.response = errorResult(request.error, st?.requestId ?? 'unknown');
      finish(request.event, request.response.statusCode ?? 500, st?.started ?? performance.now());
    },
  };

  async function handle(event: ApiEvent): Promise<ApiResult> {
    const { requestId } = states.get(event) as RequestState;
    const headers = lowerCaseHeaders(event.headers);
    const auth = authorizeCaller(event, headers);
    const req = parseRequest(event, headers, auth && (await auth), requestId);
    if (req instanceof ValidationError) return errorResult(req, requestId);
    const res = await impl(req);
    return successResult(res.status, res.body, requestId, res.headers);
  }

  // Lambda may pass no event at all (tests, containers): it defaults to an empty object.
  const handler = middy<ApiEvent, ApiResult, Error, Context>({ timeoutEarlyInMillis: TIMEOUT_EARLY_MS }).use(lifecycle).handler(handle);
  return (event: ApiEvent = {} as ApiEvent, context: Context = {} as Context): Promise<ApiResult> => handler(event, context);

  function failureMessage(status: number): string {
    if (status === 401) return 'authentication failed';
    if (status === 403 || status === 404) return 'authorization failed';
    if (status === 429) return 'rate limited';
    return 'request rejected';
  }
}

/** Whether zod would see any key in `o` (it walks keys with `for...in`). */
function hasKeys(o: Record<string, unknown> | undefined): o is Record<string, unknown> {
  if (o === undefined || o === null) return false;
  for (const _ in o) return true;
  return false;
}

export function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v !== undefined) out[k.toLowerCase()] = v;
  }
  return out;
}
