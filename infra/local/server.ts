import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { BASE_HEADERS } from '#shared/http/errors.ts';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface JwtSettings {
  issuer: string;
  jwksUri: string;
  /** The app client: a token's `aud` (ID token) or `client_id` (access token) must be one of these, as API Gateway checks. */
  audience: string[];
}

export interface LocalApiOptions {
  routes: readonly RouteSpec[];
  /** Loads `functions/<handler>.ts` and returns its `handler`; cached per handler id. */
  loadHandler?: (handlerId: string) => Promise<LambdaHttpHandler>;
  jwt?: JwtSettings;
  corsOrigins?: readonly string[];
  /** Stage throttling, as API Gateway applies it: a token bucket of `burst` refilled at `ratePerSecond`. */
  throttle?: { ratePerSecond: number; burst: number };
  /** The OpenAPI document served at /openapi.json (and by /docs). */
  openapi?: () => unknown;
  /** API Gateway's own payload limit (10 MB); the handlers enforce the API's smaller limit with a 413. */
  gatewayMaxBytes?: number;
  stage?: string;
  /**
   * The client address handlers see, instead of the socket's (always 127.0.0.1 on loopback). Tests give each
   * API instance its own, as distinct clients would have, so per-IP limits count per test file.
   */
  sourceIp?: string;
}

interface CompiledRoute {
  route: RouteSpec;
  regex: RegExp;
  params: string[];
  literalSegments: number;
}

const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
const require = createRequire(import.meta.url);

const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions/', import.meta.url));

/** Imports `functions/<handlerId>.ts` the way the Lambda runtime loads the bundle's `handler` export. */
export const defaultLoadHandler = async (handlerId: string): Promise<LambdaHttpHandler> => {
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(handlerId)) throw new Error(`invalid handler id ${handlerId}`);
  const url = pathToFileURL(join(FUNCTIONS_DIR, `${handlerId}.ts`)).href;
  const mod = (await import(/* @vite-ignore */ url)) as { handler?: LambdaHttpHandler };
  if (typeof mod.handler !== 'function') throw new Error(`functions/${handlerId}.ts does not export a handler`);
  return mod.handler;
};

/** Compiles `/tickets/{ticketId}` into a matcher. More literal segments win, as in API Gateway. */
export function compileRoutes(routes: readonly RouteSpec[]): CompiledRoute[] {
  return routes
    .map((route) => {
      const params: string[] = [];
      const segments = route.path.split('/').filter(Boolean);
      const pattern = segments
        .map((seg) => {
          const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
          if (m) {
            params.push(m[1] as string);
            return '/([^/]+)';
          }
          return '/' + seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { route, params, regex: new RegExp(`^${pattern || '/'}$`), literalSegments: segments.length - params.length };
    })
    .sort((a, b) => b.literalSegments - a.literalSegments);
}

export function matchRoute(compiled: CompiledRoute[], method: string, path: string) {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(path);
    if (!m) continue;
    const pathParameters: Record<string, string> = {};
    c.params.forEach((name, i) => {
      pathParameters[name] = decodeURIComponent(m[i + 1] as string);
    });
    return { route: c.route, pathParameters };
  }
  return undefined;
}

/**
 * A local stand-in for the HTTP API: the same route table, API Gateway v2 events, JWT verification like the
 * JWT authorizer (issuer, audience/client_id, RS256 signature, expiry) against the Cognito stand-in's JWKS,
 * stage throttling, CORS, and the OpenAPI document with its reference page.
 */
export function createLocalApi(opts: LocalApiOptions): Server {
  const compiled = compileRoutes(opts.routes);
  const load = opts.loadHandler ?? defaultLoadHandler;
  const handlers = new Map<string, Promise<LambdaHttpHandler>>();
  const verifier = opts.jwt
    ? JwtRsaVerifier.create({
        issuer: opts.jwt.issuer,
        jwksUri: opts.jwt.jwksUri,
        audience: null,
        customJwtCheck: ({ payload }) => {
          const aud = opts.jwt?.audience ?? [];
          const tokenAud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
          const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
          if (!tokenAud.some((a) => aud.includes(a)) && !(clientId && aud.includes(clientId))) {
            throw new Error('token audience/client_id not allowed');
          }
        },
      })
    : undefined;
  // aws-jwt-verify only fetches JWKS over https; the Cognito stand-in serves http, so load it ourselves once.
  let jwksLoaded: Promise<void> | undefined;
  const ensureJwks = () =>
    (jwksLoaded ??= (async () => {
      if (!verifier || !opts.jwt) return;
      const res = await fetch(opts.jwt.jwksUri);
      if (!res.ok) throw new Error(`JWKS fetch failed: ${res.status}`);
      verifier.cacheJwks((await res.json()) as Parameters<typeof verifier.cacheJwks>[0]);
    })().catch((e) => {
      jwksLoaded = undefined;
      throw e;
    }));
  const bucket = opts.throttle ? { tokens: opts.throttle.burst, last: Date.now() } : undefined;
  const cors = new Set(opts.corsOrigins ?? []);
  const gatewayMax = opts.gatewayMaxBytes ?? GATEWAY_MAX_BYTES;

  function takeToken(): boolean {
    if (!bucket || !opts.throttle) return true;
    const now = Date.now();
    bucket.tokens = Math.min(opts.throttle.burst, bucket.tokens + ((now - bucket.last) / 1000) * opts.throttle.ratePerSecond);
    bucket.last = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** RateLimit / RateLimit-Policy (draft-ietf-httpapi-ratelimit-headers), as documented in the OpenAPI document. */
  function rateLimitHeaders(): Record<string, string> {
    if (!bucket || !opts.throttle) return {};
    const { burst, ratePerSecond } = opts.throttle;
    const remaining = Math.max(0, Math.floor(bucket.tokens));
    const reset = remaining > 0 ? 0 : Math.ceil((1 - bucket.tokens) / ratePerSecond);
    return {
      ratelimit: `"stage";r=${remaining};t=${reset}`,
      'ratelimit-policy': `"stage";q=${burst};w=${Math.max(1, Math.ceil(burst / ratePerSecond))}`,
    };
  }

  function corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin || !(cors.has('*') || cors.has(origin))) return {};
    return { 'access-control-allow-origin': cors.has('*') ? '*' : origin, 'access-control-expose-headers': 'x-request-id', vary: 'origin' };
  }

  return createServer(async (req, res) => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const base: Record<string, string> = { 'x-request-id': requestId, ...corsHeaders(req) };
    const sendError = (status: number, type: string, code: string, message: string) =>
      send(res, status, { ...BASE_HEADERS, ...base }, JSON.stringify({ error: { type, code, message } }));

    try {
      if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
        const allowed = corsHeaders(req);
        res.writeHead(204, {
          ...base,
          ...allowed,
          ...(allowed['access-control-allow-origin']
            ? {
                'access-control-allow-methods': [...new Set(opts.routes.map((r) => r.method))].join(','),
                'access-control-allow-headers': 'authorization,content-type,idempotency-key,x-org-id',
                'access-control-max-age': '600',
              }
            : {}),
        });
        res.end();
        return;
      }
      const throttled = !takeToken();
      Object.assign(base, rateLimitHeaders());
      if (throttled) {
        base['retry-after'] = String(Math.max(1, Number(/t=(\d+)/.exec(base.ratelimit ?? '')?.[1] ?? 1)));
        return sendError(429, 'rate_limit_error', 'throttled', 'Too many requests: slow down and retry later.');
      }

      if (method === 'GET' && opts.openapi) {
        if (url.pathname === '/openapi.json') {
          return send(res, 200, { ...BASE_HEADERS, ...base, 'cache-control': 'no-cache' }, JSON.stringify(opts.openapi()));
        }
        if (url.pathname === '/docs' || url.pathname === '/docs/') return send(res, 200, { ...base, 'content-type': 'text/html; charset=utf-8' }, docsPage());
        if (url.pathname.startsWith('/docs/')) return serveSwaggerAsset(res, url.pathname.slice('/docs/'.length), base);
      }

      const match = matchRoute(compiled, method, url.pathname);
      if (!match) return sendError(404, 'not_found_error', 'route_not_found', 'No operation matches this method and path. See /openapi.json.');

      const body = await readBody(req, gatewayMax);
      if (body === 'too_large') return sendError(413, 'invalid_request_error', 'body_too_large', 'The request body is over the gateway limit.');

      let claims: Record<string, unknown> | undefined;
      if (match.route.auth.kind !== 'public') {
        const auth = req.headers.authorization ?? '';
        const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
        if (!token || !verifier) return sendError(401, 'authentication_error', 'missing_token', 'Sign in and send the access token as a Bearer token.');
        await ensureJwks();
        try {
          claims = (await verifier.verify(token)) as Record<string, unknown>;
        } catch {
          return sendError(401, 'authentication_error', 'invalid_token', 'The access token is invalid or expired.');
        }
      }

      const event = buildEvent({ req, url, method, route: match.route, pathParameters: match.pathParameters, body, claims, requestId, stage: opts.stage, sourceIp: opts.sourceIp });
      let handler = handlers.get(match.route.handler);
      if (!handler) {
        handler = load(match.route.handler);
        handlers.set(match.route.handler, handler);
      }
      const result = await (await handler)(event, lambdaContext(match.route.operationId, requestId));
      const headers: Record<string, string> = { ...base };
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
      const payload = result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? '');
      send(res, result.statusCode ?? 200, headers, payload);
    } catch (e) {
      // API Gateway answers 500 when the integration fails; never leak the error itself.
      console.error(JSON.stringify({ level: 'ERROR', message: 'local api integration error', requestId, error: String(e) }));
      sendError(500, 'api_error', 'internal_error', 'An unexpected error occurred. Quote the x-request-id header when reporting it.');
    }
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) {
  res.writeHead(status, headers);
  res.end(body);
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXTUAL = /^(application\/(json|xml|x-www-form-urlencoded)|text\/)/i;

function buildEvent(a: {
  req: IncomingMessage;
  url: URL;
  method: string;
  route: RouteSpec;
  pathParameters: Record<string, string>;
  body: Buffer;
  claims: Record<string, unknown> | undefined;
  requestId: string;
  stage: string | undefined;
  sourceIp: string | undefined;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.req.headers)) {
    if (v === undefined || k === 'cookie') continue;
    headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of a.url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  const hasBody = a.body.length > 0;
  const textual = !contentType || TEXTUAL.test(contentType);
  const now = new Date();
  const routeKey = `${a.route.method} ${a.route.path}`;
  const cookies = a.req.headers.cookie?.split(';').map((c) => c.trim());
  return {
    version: '2.0',
    routeKey,
    rawPath: a.url.pathname,
    rawQueryString: a.url.search.replace(/^\?/, ''),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(a.url.searchParams.size > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(a.pathParameters).length > 0 ? { pathParameters: a.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: a.method,
        path: a.url.pathname,
        protocol: `HTTP/${a.req.httpVersion}`,
        sourceIp: a.sourceIp ?? a.req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: a.requestId,
      routeKey,
      stage: a.stage ?? '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: (a.claims ?? {}) as Record<string, string>, scopes: null as unknown as string[] } },
    },
    ...(hasBody ? { body: textual ? a.body.toString('utf8') : a.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !textual,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function lambdaContext(operationId: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: operationId,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${operationId}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${operationId}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const SWAGGER_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

async function serveSwaggerAsset(res: ServerResponse, name: string, base: Record<string, string>) {
  const type = SWAGGER_ASSETS[name];
  if (!type) {
    return send(res, 404, { ...BASE_HEADERS, ...base }, JSON.stringify({ error: { type: 'not_found_error', code: 'route_not_found', message: 'No such file.' } }));
  }
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  send(res, 200, { ...base, 'content-type': type, 'cache-control': 'public, max-age=3600' }, await readFile(join(dir, name)));
}

function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Support Portal API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js" charset="utf-8"></script>
  <script src="/docs/swagger-ui-standalone-preset.js" charset="utf-8"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
  </script>
</body>
</html>`;
}

export interface RunningApi {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startLocalApi(opts: LocalApiOptions & { port: number; host?: string }): Promise<RunningApi> {
  const server = createLocalApi(opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://localhost:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
