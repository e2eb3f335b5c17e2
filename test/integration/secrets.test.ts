import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSecret } from '#shared/adapters/secrets/secret.ts';
import { ConfigError, ENV } from '#shared/config/env.ts';

/**
 * loadSecret against a Secrets Manager stand-in on a free local port: the signed JSON call it makes, its cache,
 * and its errors. (The local stack and the other tests give the secrets in plain env instead.)
 */
interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
const seen: Seen[] = [];
let answer: (body: { SecretId?: string }) => { status: number; body: unknown } = () => ({ status: 200, body: {} });

const PLAIN = ENV.cursorSecret;
const ARN = ENV.cursorSecretArn;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { SecretId?: string };
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const out = answer(body);
      res.writeHead(out.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  for (const name of [PLAIN, ARN, ENV.secretsManagerEndpoint, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) saved[name] = process.env[name];
  delete process.env[PLAIN];
  process.env[ENV.secretsManagerEndpoint] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCAL';
  process.env.AWS_SECRET_ACCESS_KEY = 'local-secret';
  seen.length = 0;
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-${Math.random().toString(36).slice(2)}`;

describe('loadSecret', () => {
  it('prefers the plain value when it is set, and calls nothing', async () => {
    process.env[PLAIN] = 'plain-value';
    process.env[ARN] = arn('unused');
    await expect(loadSecret(PLAIN, ARN)).resolves.toBe('plain-value');
    expect(seen).toEqual([]);
  });

  it('fetches the secret with one signed GetSecretValue call, then serves it from memory', async () => {
    const id = arn('cursor');
    process.env[ARN] = id;
    answer = (body) => ({ status: 200, body: { ARN: body.SecretId, SecretString: 'c2VjcmV0LWtleQ==' } });
    await expect(loadSecret(PLAIN, ARN)).resolves.toBe('c2VjcmV0LWtleQ==');
    await expect(loadSecret(PLAIN, ARN)).resolves.toBe('c2VjcmV0LWtleQ==');
    expect(seen).toHaveLength(1);
    const [call] = seen as [Seen];
    expect(call).toMatchObject({ method: 'POST', path: '/', body: { SecretId: id } });
    expect(call.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(call.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(call.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/[a-z0-9-]+\/secretsmanager\/aws4_request, /);
  });

  it("rejects with the service's error name, and tries again on the next call", async () => {
    process.env[ARN] = arn('missing');
    answer = () => ({ status: 400, body: { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." } });
    await expect(loadSecret(PLAIN, ARN)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    answer = () => ({ status: 200, body: { SecretString: 'now-there' } });
    await expect(loadSecret(PLAIN, ARN)).resolves.toBe('now-there');
    expect(seen).toHaveLength(2);
  });

  it('refuses a secret without a string value', async () => {
    process.env[ARN] = arn('binary');
    answer = () => ({ status: 200, body: { SecretBinary: 'AAEC' } });
    await expect(loadSecret(PLAIN, ARN)).rejects.toBeInstanceOf(ConfigError);
  });

  it('is a configuration error when neither the value nor the ARN is set', async () => {
    delete process.env[ARN];
    await expect(loadSecret(PLAIN, ARN)).rejects.toBeInstanceOf(ConfigError);
    expect(seen).toEqual([]);
  });
});
