import { randomInt } from 'node:crypto';
import { inject } from 'vitest';
import { routes } from '#shared/contracts/routes/index.ts';
import { buildOpenApiDocument } from '#shared/contracts/openapi.ts';
import { type LocalApiOptions, type RunningApi, startLocalApi } from '#infra/local/server.ts';

export interface TestApi extends RunningApi {
  call(method: string, path: string, opts?: CallOptions): Promise<ApiResponse>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (no JSON encoding) when `body` is a string. */
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** The local API (same route table, same JWT rules) on a free port, in this test worker. */
export async function startTestApi(overrides: Partial<LocalApiOptions> = {}): Promise<TestApi> {
  const { userPool } = inject('stack');
  let url = 'http://localhost';
  const api = await startLocalApi({
    routes,
    jwt: { issuer: userPool.issuer, jwksUri: userPool.jwksUri, audience: [userPool.clientId] },
    corsOrigins: ['http://localhost:5173'],
    // The served document names this server, so the reference page's "Try it out" calls it.
    openapi: () => buildOpenApiDocument({ serverUrl: url }),
    // One client address per API instance (198.18.0.0/15, the benchmarking range): per-IP send limits then
    // count per test file, as for distinct clients, instead of adding up every file's signups on 127.0.0.1.
    sourceIp: `198.18.${randomInt(256)}.${randomInt(1, 255)}`,
    ...overrides,
    port: 0,
  });
  url = api.url;
  return {
    ...api,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(api.url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
  };
}
