import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import { type RouteSpec, pathParamNames } from '#shared/contracts/route.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { type TestUser, decodeClaims, forgeToken } from '#test/support/identity.ts';
import { type RouteFixture, fixtures } from './authz-fixtures.ts';
import { AUTH_LAYER_CODES, ROLES, type RoleName, type World, actorRole, buildWorld, expectedFor, pool, useOwnTable } from './authz-world.ts';

/**
 * SECURITY.md "Authorization and tenant isolation": every route x every role x object owner, from the route
 * table. The expected answer of each (route, role) cell comes from the route's `auth` declaration; the
 * request comes from the fixture table (authz-fixtures.ts), which must name exactly the routes of the table.
 */

let api: TestApi;
let world: World;
let dropTable: () => Promise<void>;

beforeAll(async () => {
  const own = await useOwnTable('portal-authz');
  dropTable = own.drop;
  api = await startTestApi();
  world = await buildWorld(api, own.table);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await dropTable?.();
});

const fill = (path: string, params: Record<string, string>) =>
  path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(v);
  });
const fixtureOf = (route: RouteSpec) => fixtures[route.operationId] as RouteFixture;

function send(route: RouteSpec, who: RoleName | TestUser, params: Record<string, string>): Promise<ApiResponse> {
  const fx = fixtureOf(route);
  const query = fx.query ? `?${new URLSearchParams(fx.query)}` : '';
  const body = fx.body?.(world);
  return world.call(who, route.method, fill(route.path, params) + query, body === undefined ? {} : { body });
}

const successStatuses = (route: RouteSpec) => Object.keys(route.responses).map(Number);
const describeRes = (res: ApiResponse) => `${res.status} ${res.text.slice(0, 300)}`;

describe('the fixture table', () => {
  it('has exactly one entry per route of the route table (a new route fails here until it has one)', () => {
    expect(Object.keys(fixtures).sort()).toEqual(routes.map((r) => r.operationId).sort());
  });

  it('gives every route with path parameters its objects (own, foreign or cross-org, missing), or says why not', () => {
    for (const route of routes) {
      const fx = fixtureOf(route);
      const names = pathParamNames(route.path);
      if (names.length === 0) {
        expect(fx.object, `${route.operationId} has no path parameters`).toBeUndefined();
        continue;
      }
      if (fx.notAnObject) {
        expect(fx.params, route.operationId).toBeDefined();
        continue;
      }
      expect(fx.object, `${route.operationId}: add object: { own, foreign, missing, ownStatus }`).toBeDefined();
      const as = fx.object?.as;
      if (as && as !== 'invitee') expect(expectedFor(route.auth, as).allowed, `${route.operationId}: ${as} may not call it`).toBe(true);
      if (route.auth.kind === 'staff') expect(fx.object?.crossOrg, route.operationId).toBeTruthy();
      else expect(fx.object?.foreign, `${route.operationId}: a member route needs a foreign object`).toBeDefined();
    }
  });
});

interface Cell {
  route: RouteSpec;
  role: RoleName;
  res: ApiResponse;
}

describe('role axis: every route x every role', () => {
  it('answers each cell as the route declaration says: 401/403 with the promised code, or past authorization', async () => {
    const tasks = routes.flatMap((route) =>
      ROLES.map((role) => async (): Promise<Cell> => {
        const fx = fixtureOf(route);
        const params = fx.object ? fx.object.missing(world) : (fx.params?.(world) ?? {});
        return { route, role, res: await send(route, role, params) };
      }),
    );
    const started = performance.now();
    const cells = await pool(6, tasks);
    const failures: string[] = [];
    for (const { route, role, res } of cells) {
      const want = expectedFor(route.auth, role);
      const fx = fixtureOf(route);
      if (res.status >= 500) failures.push(`${route.operationId} as ${role}: ${describeRes(res)}`);
      else if (!want.allowed) {
        const code = ErrorBody.safeParse(res.body).data?.error.code;
        if (res.status !== want.status || code !== want.code) failures.push(`${route.operationId} as ${role}: want ${want.status} ${want.code}, got ${describeRes(res)}`);
      } else {
        const allowed = fx.allowed ?? (fx.object ? [404] : successStatuses(route));
        if (!allowed.includes(res.status)) failures.push(`${route.operationId} as ${role}: want one of ${allowed.join('/')}, got ${describeRes(res)}`);
        const code = ErrorBody.safeParse(res.body).data?.error.code;
        if (code && AUTH_LAYER_CODES.has(code)) failures.push(`${route.operationId} as ${role}: refused by the auth layer (${code})`);
      }
    }
    expect(failures).toEqual([]);
    const allowedCells = cells.filter((c) => expectedFor(c.route.auth, c.role).allowed).length;
    console.info(`authz matrix: ${routes.length} routes x ${ROLES.length} roles = ${cells.length} cells (${allowedCells} allowed, ${cells.length - allowedCells} refused) in ${Math.round(performance.now() - started)} ms`);
    expect(cells.length).toBe(routes.length * ROLES.length);
  });
});

describe('object axis: own, foreign and missing objects', () => {
  const objectRoutes = () => routes.filter((r) => fixtureOf(r).object);
  const actorOf = (route: RouteSpec): TestUser | RoleName => {
    const as = fixtureOf(route).object?.as ?? actorRole(route);
    return as === 'invitee' ? world.invitee : as;
  };

  it('answers a foreign object exactly like a missing one (status and body), with 0 writes; own objects work', async () => {
    const memberRoutes = objectRoutes().filter((r) => fixtureOf(r).object?.foreign);
    expect(memberRoutes.length).toBeGreaterThan(10);

    // 1. foreign and missing, table snapshot around them: nothing may change.
    const before = await world.scan();
    const pairs = await pool(
      6,
      memberRoutes.map((route) => async () => {
        const obj = fixtureOf(route).object as NonNullable<RouteFixture['object']>;
        const foreign = await send(route, actorOf(route), (obj.foreign as NonNullable<typeof obj.foreign>)(world));
        const missing = await send(route, actorOf(route), obj.missing(world));
        return { route, foreign, missing, foreignParams: (obj.foreign as NonNullable<typeof obj.foreign>)(world), missingParams: obj.missing(world) };
      }),
    );
    const after = await world.scan();
    expect(after.filter((i) => !before.includes(i)), 'items written or changed by foreign/missing requests').toEqual([]);
    expect(before.filter((i) => !after.includes(i)), 'items deleted by foreign/missing requests').toEqual([]);

    const failures: string[] = [];
    for (const { route, foreign, missing, foreignParams, missingParams } of pairs) {
      // The ids differ by design; everything else (status, type, code, param, message, shape) must not.
      const normalize = (res: ApiResponse, params: Record<string, string>) =>
        Object.values(params).reduce((text, id) => text.split(id).join('<id>').split(encodeURIComponent(id)).join('<id>'), res.text);
      if (foreign.status !== 404) failures.push(`${route.operationId}: foreign object answered ${describeRes(foreign)}`);
      if (!ErrorBody.safeParse(foreign.body).success) failures.push(`${route.operationId}: foreign answer is not an error body`);
      if (foreign.status !== missing.status || normalize(foreign, foreignParams) !== normalize(missing, missingParams)) {
        failures.push(`${route.operationId}: foreign ${describeRes(foreign)} vs missing ${describeRes(missing)}`);
      }
    }
    expect(failures).toEqual([]);

    // 2. own objects (last: some are deleted).
    const owns = await pool(
      6,
      memberRoutes.map((route) => async () => ({ route, res: await send(route, actorOf(route), (fixtureOf(route).object as NonNullable<RouteFixture['object']>).own(world)) })),
    );
    const ownFailures = owns.filter(({ route, res }) => !fixtureOf(route).object?.ownStatus.includes(res.status)).map(({ route, res }) => `${route.operationId} own: ${describeRes(res)}`);
    expect(ownFailures).toEqual([]);
    console.info(`authz objects: ${pairs.length} member routes x (own, foreign, missing) = ${pairs.length * 3} calls, 0 foreign reads or writes`);
  });

  it('staff routes reach objects of any org, and answer 404 for missing ones', async () => {
    const staffRoutes = objectRoutes().filter((r) => fixtureOf(r).object?.crossOrg);
    const results = await pool(
      4,
      staffRoutes.map((route) => async () => {
        const obj = fixtureOf(route).object as NonNullable<RouteFixture['object']>;
        return { route, own: await send(route, 'staff', obj.own(world)), missing: await send(route, 'staff', obj.missing(world)) };
      }),
    );
    const failures = results.flatMap(({ route, own, missing }) => [
      ...(fixtureOf(route).object?.ownStatus.includes(own.status) ? [] : [`${route.operationId} existing: ${describeRes(own)}`]),
      ...(missing.status === 404 ? [] : [`${route.operationId} missing: ${describeRes(missing)}`]),
    ]);
    expect(failures).toEqual([]);
  });
});

describe('forged org ids and roles change nothing', () => {
  const FORGED_FIELDS = ['orgId', 'role', 'tier', 'userId'] as const;
  const orgScoped = () => routes.filter((r) => r.auth.kind === 'user' && (r.auth.org || r.auth.roles));
  const paramsOf = (route: RouteSpec) => {
    const fx = fixtureOf(route);
    return fx.object ? fx.object.missing(world) : (fx.params?.(world) ?? {});
  };
  const codeOf = (res: ApiResponse) => ErrorBody.safeParse(res.body).data?.error.code;

  it('in the X-Org-Id header, body, query or token claims: refused the same way, with 0 writes', async () => {
    const foreignOrg = world.foreign.org.orgId;
    const before = await world.scan();
    const failures: string[] = [];
    let cases = 0;
    const check = (what: string, ok: boolean, res: ApiResponse) => {
      cases++;
      if (!ok) failures.push(`${what}: ${describeRes(res)}`);
    };

    // X-Org-Id of a foreign org answers exactly like an org that does not exist.
    await pool(6, orgScoped().map((route) => async () => {
      const actor = actorRole(route);
      const call = (orgId: string) => {
        const body = fixtureOf(route).body?.(world);
        return world.call(actor, route.method, fill(route.path, paramsOf(route)), { ...(body === undefined ? {} : { body }), headers: { 'x-org-id': orgId } });
      };
      const [foreign, missing] = [await call(foreignOrg), await call('org_doesnotexist0000')];
      check(`${route.operationId} X-Org-Id foreign`, foreign.status === 404 && codeOf(foreign) === 'org_not_found' && foreign.text === missing.text, foreign);
    }));

    // orgId / role / tier / userId fields in the body or the query: unknown fields, 400, nothing done.
    await pool(6, routes.filter((r) => r.auth.kind !== 'public').flatMap((route) => {
      const actor = route.auth.kind === 'staff' ? 'staff' : actorRole(route);
      const base = fixtureOf(route).body?.(world);
      const inBody = base !== undefined && typeof base === 'object' ? FORGED_FIELDS.filter((f) => !(f in (base as object))) : [];
      return [
        ...inBody.map((field) => async () => {
          const res = await world.call(actor, route.method, fill(route.path, paramsOf(route)), { body: { ...(base as object), [field]: field === 'orgId' ? foreignOrg : field === 'role' ? 'site_admin' : field === 'tier' ? 'enterprise' : world.foreign.admin.userId } });
          // updateDeskIntake's fixture body is invalid on purpose (authz-fixtures.ts): any 400 will do there.
          const baseInvalid = fixtureOf(route).allowed?.every((s) => s === 400) ?? false;
          const err = ErrorBody.safeParse(res.body).data?.error;
          check(`${route.operationId} body.${field}`, res.status === 400 && (baseInvalid || (err?.code === 'unknown_field' && err.param === `body.${field}`)), res);
        }),
        async () => {
          const res = await world.call(actor, route.method, `${fill(route.path, paramsOf(route))}?orgId=${foreignOrg}&role=site_admin`, base === undefined ? {} : { body: base });
          check(`${route.operationId} query`, res.status === 400 && codeOf(res) === 'unknown_field', res);
        },
      ];
    }));

    // Claims in a validly signed token (cognito-local's key) naming an org, a role or a tier: the table decides.
    const forged = (user: TestUser) =>
      forgeToken({ ...decodeClaims(user.tokens.accessToken), orgId: world.own.org.orgId, 'custom:orgId': world.own.org.orgId, role: 'site_admin', 'custom:role': 'site_admin', tier: 'enterprise', 'custom:tier': 'enterprise' });
    const tokens = { basic: forged(world.users.basic), shopper: forged(world.users.shopper), report_viewer: forged(world.users.report_viewer) };
    await pool(6, routes.flatMap((route) =>
      (['basic', 'shopper', 'report_viewer'] as const)
        .filter((role) => !expectedFor(route.auth, role).allowed)
        .map((role) => async () => {
          const want = expectedFor(route.auth, role) as { status: number; code: string };
          const body = fixtureOf(route).body?.(world);
          const res = await api.call(route.method, fill(route.path, paramsOf(route)), { token: tokens[role], headers: { 'idempotency-key': 'forged' }, ...(body === undefined ? {} : { body }) });
          check(`${route.operationId} forged claims as ${role}`, res.status === want.status && codeOf(res) === want.code, res);
        }),
    ));

    const after = await world.scan();
    expect(failures).toEqual([]);
    expect(after).toEqual(before);
    console.info(`authz forgery: ${cases} forged requests (X-Org-Id, body, query, token claims), 0 accepted, 0 writes`);
  });
});
