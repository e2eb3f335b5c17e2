import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { Context } from 'aws-lambda';
import { defineRoute } from '#shared/contracts/route.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { ConflictError, NotFoundError, PreconditionError } from '#shared/domain/errors.ts';
import { BASE_HEADERS, jsonResult } from '#shared/http/errors.ts';
import { createRouteHandler } from '#shared/http/route-handler.ts';
import { logger } from '#shared/lib/logger.ts';
import { accessClaims, apiEvent, membership, memoryPrincipals, profile } from '#test/builders/events.ts';
import { type CapturedLogs, captureLogs } from '#test/support/logs.ts';

const widgetRoute = defineRoute({
  operationId: 'createWidget',
  method: 'POST',
  path: '/orgs/{orgId}/widgets',
  handler: 'test/create-widget',
  summary: 'test route',
  tags: ['Test'],
  auth: { kind: 'user', org: true, roles: ['site_admin', 'buyer'], tiers: ['enterprise', 'partner'] },
  idempotency: 'required',
  request: {
    path: z.strictObject({ orgId: z.string().min(3) }),
    query: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }),
    body: z.strictObject({ name: z.string().min(1).max(50), size: z.number().int().positive(), address: z.strictObject({ country: z.string().length(2) }).optional() }),
  },
  responses: { 201: { description: 'created', schema: z.strictObject({ id: z.string(), name: z.string() }) } },
});

const staffRoute = defineRoute({
  operationId: 'staffThing',
  method: 'GET',
  path: '/staff/thing',
  handler: 'test/staff-thing',
  summary: 'staff',
  tags: ['Test'],
  auth: { kind: 'staff' },
  request: {},
  responses: { 200: { description: 'ok', schema: z.strictObject({ ok: z.boolean() }) } },
});

const principals = memoryPrincipals([
  { profile: profile({ userId: 'admin' }), memberships: [membership({ userId: 'admin', role: 'site_admin' })] },
  { profile: profile({ userId: 'shopper' }), memberships: [membership({ userId: 'shopper', role: 'shopper' })] },
  { profile: profile({ userId: 'nobody', primaryOrgId: undefined }) },
  { profile: profile({ userId: 'unverified', emailVerified: false }), memberships: [membership({ userId: 'unverified' })] },
  { profile: profile({ userId: 'cancelled', status: 'cancelled' }), memberships: [membership({ userId: 'cancelled' })] },
  { profile: profile({ userId: 'staff', primaryOrgId: undefined }) },
  { profile: profile({ userId: 'limited', tier: 'limited' }), memberships: [membership({ userId: 'limited', role: 'site_admin' })] },
]);

let behaviour: 'ok' | 'conflict' | 'missing' | 'precondition' | 'crash' = 'ok';
const impl = vi.fn(async ({ body, auth }: { body: { name: string }; auth: { activeOrg?: { orgId: string } } }) => {
  if (behaviour === 'conflict') throw new ConflictError('version_mismatch', 'The widget changed.');
  if (behaviour === 'missing') throw new NotFoundError('widget_not_found', 'No such widget.');
  if (behaviour === 'precondition') throw new PreconditionError('not_ready', 'Not ready.', 'body.size');
  if (behaviour === 'crash') throw new Error('database exploded at /var/secret/path');
  return { status: 201 as const, body: { id: `w-${auth.activeOrg?.orgId}`, name: body.name } };
});
const handler = createRouteHandler(widgetRoute, { principals })(impl as never);
const staffHandler = createRouteHandler(staffRoute, { principals })(async () => ({ status: 200, body: { ok: true } }));
const ctx = {} as Context;

const good = { name: 'Gadget', size: 3 };
function post(over: { sub?: string; body?: string; headers?: Record<string, string>; query?: Record<string, string>; orgHeader?: string; claims?: Record<string, unknown> } = {}) {
  return handler(
    apiEvent({
      method: 'POST',
      path: '/orgs/org_x/widgets',
      pathParameters: { orgId: 'org_x' },
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': 'key-1',
        ...(over.orgHeader ? { 'X-Org-Id': over.orgHeader } : {}),
        ...over.headers,
      },
      ...(over.query ? { query: over.query } : {}),
      body: over.body ?? JSON.stringify(good),
      claims: over.claims ?? accessClaims(over.sub ?? 'admin'),
    }),
    ctx,
  );
}

function errorOf(res: { body?: string }) {
  const parsed = ErrorBody.parse(JSON.parse(res.body ?? ''));
  return parsed.error;
}

let logs: CapturedLogs;
beforeEach(() => {
  behaviour = 'ok';
  impl.mockClear();
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('HTTP layer', () => {
  it('runs the implementation with parsed, typed input and the caller, and answers JSON with x-request-id', async () => {
    const res = await post();
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body ?? '')).toEqual({ id: 'w-org_aaaaaaaa01', name: 'Gadget' });
    expect(res.headers?.['x-request-id']).toMatch(/[0-9a-f-]{36}/);
    expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers?.['cache-control']).toBe('no-store');
    expect(impl).toHaveBeenCalledOnce();
  });

  it.each([
    ['an unknown body field', { body: JSON.stringify({ ...good, colour: 'red' }) }, 'unknown_field', 'body.colour'],
    ['an unknown nested field', { body: JSON.stringify({ ...good, address: { country: 'FR', city: 'Lyon' } }) }, 'unknown_field', 'body.address.city'],
    ['a missing field', { body: JSON.stringify({ name: 'x' }) }, 'missing_field', 'body.size'],
    ['a wrongly typed field', { body: JSON.stringify({ ...good, size: 'big' }) }, 'invalid_field', 'body.size'],
    ['malformed JSON', { body: '{"name": ' }, 'malformed_json', 'body'],
    ['a __proto__ key', { body: '{"name":"x","size":1,"__proto__":{"isAdmin":true}}' }, 'forbidden_key', 'body.__proto__'],
    ['a nested constructor key', { body: '{"name":"x","size":1,"address":{"constructor":{}}}' }, 'forbidden_key', 'body.constructor'],
    ['a __proto__ key spelled with escapes', { body: '{"name":"x","size":1,"\\u005f_proto\\u005f_":{"isAdmin":true}}' }, 'forbidden_key', 'body.__proto__'],
    ['an unknown query parameter', { query: { debug: '1' } }, 'unknown_field', 'query.debug'],
    ['an invalid query value', { query: { dryRun: 'maybe' } }, 'invalid_field', 'query.dryRun'],
    ['a missing Idempotency-Key', { headers: { 'Idempotency-Key': '' } }, 'invalid_field', 'header.idempotency-key'],
    ['an Idempotency-Key over 255 characters', { headers: { 'Idempotency-Key': 'k'.repeat(256) } }, 'invalid_field', 'header.idempotency-key'],
  ])('rejects %s with a 400 naming the field, and never calls the implementation', async (_n, over, code, param) => {
    const res = await post(over);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', code, param });
    expect(res.headers?.['x-request-id']).toBeTruthy();
    expect(impl).not.toHaveBeenCalled();
  });

  it('rejects a request without the Idempotency-Key header', async () => {
    const res = await handler(
      apiEvent({ method: 'POST', pathParameters: { orgId: 'org_x' }, headers: { 'content-type': 'application/json' }, body: JSON.stringify(good), claims: accessClaims('admin') }),
      ctx,
    );
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'missing_field', param: 'header.idempotency-key' });
  });

  it('answers 415 when the body is not application/json', async () => {
    const res = await post({ headers: { 'Content-Type': 'text/plain' } });
    expect(res.statusCode).toBe(415);
    expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' });
    const latin1 = await post({ headers: { 'Content-Type': 'application/json; charset=latin1' } });
    expect(latin1.statusCode).toBe(415);
  });

  it('answers 413 over the body limit before parsing', async () => {
    const res = await post({ body: JSON.stringify({ name: 'x'.repeat(70 * 1024), size: 1 }) });
    expect(res.statusCode).toBe(413);
    expect(errorOf(res)).toMatchObject({ code: 'body_too_large' });
  });

  it('counts the body limit in UTF-8 bytes, not characters', async () => {
    // ~33k characters, ~66k bytes: under the 64 KiB limit in characters, over it in bytes.
    const res = await post({ body: JSON.stringify({ name: 'é'.repeat(33_000), size: 1 }) });
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).message).toMatch(/is 66\d{3} bytes; the limit is 65536/);
  });

  it('decodes base64 bodies as API Gateway sends them', async () => {
    const res = await handler(
      apiEvent({
        method: 'POST',
        pathParameters: { orgId: 'org_x' },
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
        body: Buffer.from(JSON.stringify(good)).toString('base64'),
        isBase64Encoded: true,
        claims: accessClaims('admin'),
      }),
      ctx,
    );
    expect(res.statusCode).toBe(201);
  });

  it.each([
    ['conflict', 409, 'conflict_error', 'version_mismatch'],
    ['missing', 404, 'not_found_error', 'widget_not_found'],
    ['precondition', 422, 'invalid_request_error', 'not_ready'],
  ] as const)('maps a %s domain error to its status and type', async (b, status, type, code) => {
    behaviour = b;
    const res = await post();
    expect(res.statusCode).toBe(status);
    expect(errorOf(res)).toMatchObject({ type, code });
  });

  it('answers an unexpected error with a 500 that reveals nothing, and logs it', async () => {
    behaviour = 'crash';
    const res = await post();
    expect(res.statusCode).toBe(500);
    expect(errorOf(res)).toEqual({ type: 'api_error', code: 'internal_error', message: expect.any(String) });
    expect(res.body).not.toMatch(/exploded|\/var\/secret|at .*\.ts/);
    const failed = logs.records().find((r) => r.message === 'request failed' && r.level === 'ERROR');
    // An unexpected error keeps its stack in the log (only expected 4xx answers are built without one).
    expect(failed?.error).toMatchObject({ name: 'Error', message: 'database exploded at /var/secret/path', stack: expect.stringMatching(/\n\s+at /) });
  });

  it('answers a logged 500 just before the Lambda deadline instead of running into it', async () => {
    const stuck = createRouteHandler(staffRoute, { principals })(() => new Promise<never>(() => undefined));
    const lambdaContext = { getRemainingTimeInMillis: () => 30 } as Context;
    const started = Date.now();
    const res = await stuck(apiEvent({ claims: accessClaims('staff', ['vendor-staff']) }), lambdaContext);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(res.statusCode).toBe(500);
    expect(errorOf(res).code).toBe('internal_error');
    expect(logs.records().find((r) => r.message === 'request failed')?.error).toMatchObject({ name: 'TimeoutError' });
  });

  it('refuses any query parameter on a route that declares no query', async () => {
    const res = await staffHandler(apiEvent({ query: { debug: '1' }, claims: accessClaims('staff', ['vendor-staff']) }), ctx);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'unknown_field', param: 'query.debug' });
  });

  it('refuses a body on a route that declares none (400 body_not_allowed), and takes an empty one', async () => {
    const claims = accessClaims('staff', ['vendor-staff']);
    const res = await staffHandler(apiEvent({ headers: { 'content-type': 'application/json' }, body: '{"ok":false}', claims }), ctx);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'body_not_allowed', param: 'body' });
    expect((await staffHandler(apiEvent({ body: '  ', claims }), ctx)).statusCode).toBe(200);
  });

  describe('authorization', () => {
    it.each([
      ['no claims (no token reached the function)', { claims: {} }, 401, 'missing_token'],
      ['an ID token', { claims: { sub: 'admin', token_use: 'id', aud: 'client' } }, 401, 'wrong_token_type'],
      ['an account without a profile', { sub: 'ghost' }, 403, 'account_not_found'],
      ['a cancelled account with a valid token', { sub: 'cancelled' }, 403, 'account_inactive'],
      ['an unverified account', { sub: 'unverified' }, 403, 'email_not_verified'],
      ['an account with no org', { sub: 'nobody' }, 403, 'org_membership_required'],
      ['a role the route does not allow', { sub: 'shopper' }, 403, 'role_forbidden'],
      ['an account tier the route does not allow', { sub: 'limited' }, 403, 'tier_forbidden'],
      ['an X-Org-Id the caller is not a member of', { orgHeader: 'org_foreign001' }, 404, 'org_not_found'],
    ] as const)('refuses %s', async (_n, over, status, code) => {
      const res = await post(over as never);
      expect(res.statusCode).toBe(status);
      expect(errorOf(res).code).toBe(code);
      expect(impl).not.toHaveBeenCalled();
    });

    it('checks authorization before it looks at the body', async () => {
      const res = await post({ sub: 'shopper', body: 'not json' });
      expect(res.statusCode).toBe(403);
    });

    it('ignores org ids and roles forged in the body or headers', async () => {
      const res = await post({ sub: 'shopper', headers: { 'x-role': 'site_admin' }, body: JSON.stringify({ ...good, role: 'site_admin' }) });
      expect(res.statusCode).toBe(403);
    });

    it('lets only vendor staff in to staff routes, from the signed groups claim', async () => {
      const asStaff = await staffHandler(apiEvent({ claims: accessClaims('staff', ['vendor-staff']) }), ctx);
      expect(asStaff.statusCode).toBe(200);
      const asAdmin = await staffHandler(apiEvent({ claims: accessClaims('admin') }), ctx);
      expect(asAdmin.statusCode).toBe(403);
      // API Gateway hands array claims over as "[a b]".
      const gatewayStyle = await staffHandler(apiEvent({ claims: { ...accessClaims('staff'), 'cognito:groups': '[other vendor-staff]' } }), ctx);
      expect(gatewayStyle.statusCode).toBe(200);
    });

    it('reads the principal with one store call per request', async () => {
      principals.loads = 0;
      await post();
      expect(principals.loads).toBe(1);
    });
  });

  describe('logs', () => {
    it('logs validation and authorization failures as structured JSON with the request id', async () => {
      await post({ body: JSON.stringify({ ...good, colour: 'x' }) });
      await post({ sub: 'shopper' });
      const lines = logs.records();
      const rejected = lines.find((l) => l.message === 'request rejected');
      const denied = lines.find((l) => l.message === 'authorization failed');
      expect(rejected).toMatchObject({ level: 'WARN', status: 400, errorCode: 'unknown_field', operationId: 'createWidget' });
      expect(rejected?.requestId).toBeTruthy();
      expect(denied).toMatchObject({ status: 403, errorCode: 'role_forbidden' });
    });

    it('ends every request with one completion line carrying its id, operation, status, method, route and duration', async () => {
      const event = apiEvent({
        method: 'POST',
        pathParameters: { orgId: 'org_x' },
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
        body: JSON.stringify(good),
        claims: accessClaims('admin'),
      });
      // A fixed id: a random UUID can hold a dash-grouped Luhn-valid digit run, which the card-number net masks.
      event.requestContext.requestId = 'req-completion-line';
      const res = await handler(event, ctx);
      const completed = logs.records().filter((l) => l.message === 'request completed');
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({
        level: 'INFO',
        requestId: res.headers?.['x-request-id'],
        operationId: 'createWidget',
        status: 201,
        method: 'POST',
        route: '/orgs/{orgId}/widgets',
        durationMs: expect.any(Number),
      });
    });

    it('gives the lines the implementation logs the request keys, and drops them once the request is answered', async () => {
      const logging = createRouteHandler(staffRoute, { principals })(async () => {
        logger.info('inside', { step: 1 });
        return { status: 200, body: { ok: true } };
      });
      const event = apiEvent({ claims: accessClaims('staff', ['vendor-staff']) });
      event.requestContext.requestId = 'req-inside-lines';
      const res = await logging(event, ctx);
      logger.info('after');
      const inside = logs.records().find((l) => l.message === 'inside');
      expect(inside).toMatchObject({ requestId: res.headers?.['x-request-id'], operationId: 'staffThing', step: 1 });
      const after = logs.records().find((l) => l.message === 'after');
      expect(after).toBeDefined();
      expect(after).not.toHaveProperty('requestId');
      expect(after).not.toHaveProperty('operationId');
    });

    it('cannot be forged with CR/LF in input: every log record stays one JSON line', async () => {
      await post({ body: JSON.stringify({ ...good, 'evil\n{"level":"INFO","message":"forged"}': 1 }) });
      const records = logs.records(); // throws if any printed line is not one JSON object
      expect(records.length).toBeGreaterThan(0);
      expect(records.some((r) => r.message === 'forged')).toBe(false);
    });
  });
});

describe('jsonResult headers', () => {
  it('sends every base header with the request id, with or without extra headers (its fast path spells them out)', () => {
    expect(jsonResult(200, {}, 'req-1').headers).toEqual({ ...BASE_HEADERS, 'x-request-id': 'req-1' });
    expect(jsonResult(429, {}, 'req-2', { 'retry-after': '60' }).headers).toEqual({ ...BASE_HEADERS, 'x-request-id': 'req-2', 'retry-after': '60' });
  });
});
