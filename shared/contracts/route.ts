import type * as core from 'zod/v4/core';
import { extend, object } from 'zod/mini';
import { IdempotencyKey, type OrgRole } from './common.ts';

declare global {
  /**
   * Whether routes carry their response schemas (`responses: PORTAL_RESPONSE_SCHEMAS && {...}`). `true` wherever code
   * runs from source: tests, the local server, the OpenAPI document, CDK. Lambda bundles define it as `false`
   * (esbuild `define`, infra/constructs/portal-function.ts): esbuild then folds each route's `responses` to `false`
   * and drops the schemas only they reach. A handler never reads them at run time (its responses are typed at
   * compile time), and building them was up to a sixth of a handler's cold import (get-ticket: 1.33x -> 1.14x of
   * the DynamoDB-client-only import).
   */
  // biome-ignore lint/style/noVar: a global declaration needs var
  var PORTAL_RESPONSE_SCHEMAS: true;
}
(globalThis as { PORTAL_RESPONSE_SCHEMAS?: boolean }).PORTAL_RESPONSE_SCHEMAS ??= true;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. Enforced by the HTTP layer before the handler runs:
 * - `public`: no token.
 * - `user`: a verified access token of an active account. `allowUnverified` lets an account whose email is not
 *   yet verified in (the verification routes only). `org: true` needs an active membership (X-Org-Id or the
 *   primary one); `roles` narrows it to those org roles, `tiers` to those account tiers. Tier and membership
 *   come from the table, never from
 *   the token or the request.
 * - `staff`: a member of the vendor-staff Cognito group.
 */
export type RouteAuth =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'user';
      readonly allowUnverified?: boolean;
      readonly org?: boolean;
      readonly roles?: readonly OrgRole[];
      /** Account tiers allowed (ON-5), e.g. the service desk is for Enterprise customers and Partners. */
      readonly tiers?: readonly ('basic' | 'limited' | 'enterprise' | 'partner')[];
    }
  | { readonly kind: 'staff' };

/**
 * Resources a function uses. `table:read` is implied for every non-public route (the principal load).
 * `outbox`: enqueues emails (writes outbox items, seals secrets) without any right to send; `mail`: sends
 * them through SES (the outbox consumer and sweeper only).
 * CDK turns each into a least-privilege grant plus the env var that names the resource.
 */
export type ResourceUse = 'table:read' | 'table:write' | 'outbox' | 'mail' | 'users' | 'files' | 'workflow';

/** Data files shipped beside a Lambda bundle (read lazily at run time instead of bundled as code). */
export type DataFileSet =
  | 'email-domain-lists'
  /** The invoice PDF renderer (pdfkit + fontkit, ~0.9 MB) bundled on its own with its fonts, loaded lazily (BI-1). */
  | 'invoice-pdf';

export interface LambdaSpec {
  readonly uses?: readonly ResourceUse[];
  readonly dataFiles?: readonly DataFileSet[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

export interface ResponseSpec {
  readonly description: string;
  /** JSON body schema; omit for an empty body. */
  readonly schema?: core.$ZodType;
  /** Defaults to application/json when a schema is given. */
  readonly contentType?: string;
}

/** Schemas are zod (mini in the contracts; any zod 4 schema works). */
export interface RequestSpec {
  readonly path?: core.$ZodObject;
  readonly query?: core.$ZodObject;
  /** Header names in lower case; other headers are allowed and ignored. */
  readonly headers?: core.$ZodObject;
  readonly body?: core.$ZodType;
}

export interface RouteSpec<
  Req extends RequestSpec = RequestSpec,
  Res extends Record<number, ResponseSpec> = Record<number, ResponseSpec>,
> {
  /** Unique, camelCase; the OpenAPI operationId and the key of the authorization matrix. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway style: `/tickets/{ticketId}`. */
  readonly path: `/${string}`;
  /** `context/action`: the module `functions/context/action.ts` exports `handler`. */
  readonly handler: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  /** `required`: a missing `Idempotency-Key` header is a 400. */
  readonly idempotency?: 'required';
  readonly request: Req;
  /**
   * The success responses; the error responses are added from `auth` and `request`. Declared as
   * `PORTAL_RESPONSE_SCHEMAS && {...}`: `false` in Lambda bundles (see PORTAL_RESPONSE_SCHEMAS).
   */
  readonly responses: Res;
  /** What the function touches (drives its IAM grants and env in CDK) and its sizing. */
  readonly lambda?: LambdaSpec;
  /** Error responses the use case produces beyond those derived from `auth` and `request` (status -> description). */
  readonly errors?: Readonly<Record<number, string>>;
  /**
   * Payment routes (BI-3): a body containing anything that looks like a card number (13-19 digits passing
   * Luhn) is refused with 400 `card_number_refused` before validation, so it is never echoed, stored or logged.
   */
  readonly refuseCardNumbers?: boolean;
}

/** Declares a route; the spec's literal type is kept (so `idempotency: 'required'` types the handler's input). */
export function defineRoute<const S extends RouteSpec<RequestSpec, Record<number, ResponseSpec>>>(spec: S): S {
  return spec;
}

/** The headers schema of a route, with `idempotency-key` added when the route requires one. */
export function headersSchemaOf(route: RouteSpec): core.$ZodObject | undefined {
  if (route.idempotency !== 'required') return route.request.headers;
  const shape = { 'idempotency-key': IdempotencyKey };
  return route.request.headers ? extend(route.request.headers as Parameters<typeof extend>[0], shape) : object(shape);
}

/** `/tickets/{ticketId}` -> `['ticketId']`. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
}

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
