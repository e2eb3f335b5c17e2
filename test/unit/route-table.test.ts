import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import { buildOpenApiDocument } from '#shared/contracts/openapi.ts';
import { pathParamNames, routeKey } from '#shared/contracts/route.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { compileRoutes, matchRoute } from '#infra/local/server.ts';

const root = join(import.meta.dirname, '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('the route table', () => {
  it('has unique operationIds and unique method + path pairs', () => {
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]+$/);
  });

  it('declares a path schema for exactly the parameters in each path', () => {
    for (const r of routes) {
      const names = pathParamNames(r.path).sort();
      const declared = Object.keys(r.request.path?._zod.def.shape ?? {}).sort();
      expect(declared, r.operationId).toEqual(names);
    }
  });

  it('points every route and background function at a handler module that exports `handler`', () => {
    for (const { handler } of [...routes, ...backgroundFunctions]) {
      const file = join(root, 'functions', `${handler}.ts`);
      expect(existsSync(file), `functions/${handler}.ts`).toBe(true);
      expect(readFileSync(file, 'utf8'), `functions/${handler}.ts`).toMatch(/export const handler\b/);
    }
  });

  it('has no handler module that no route or background function uses', () => {
    const used = new Set([...routes, ...backgroundFunctions].map((f) => `${f.handler}.ts`));
    const files = walk(join(root, 'functions')).map((f) => relative(join(root, 'functions'), f));
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });

  it('documents every route in the OpenAPI document, with its auth and error responses', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, any>> };
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, r.operationId).toBeDefined();
      expect(op.operationId).toBe(r.operationId);
      expect(op.security).toEqual(r.auth.kind === 'public' ? [] : [{ bearerAuth: [] }]);
      expect(Object.keys(op.responses)).toContain('400');
      if (r.auth.kind !== 'public') expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      if (r.idempotency === 'required') {
        expect(op.parameters.some((p: { in: string; name: string; required: boolean }) => p.in === 'header' && p.name === 'idempotency-key' && p.required)).toBe(true);
      }
    }
    const documented = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(documented.length).toBe(routes.length);
  });

  it('is served by the local server: every route matches its own method and path', () => {
    const compiled = compileRoutes(routes);
    for (const r of routes) {
      const concrete = r.path.replace(/\{[^}]+\}/g, 'x1');
      expect(matchRoute(compiled, r.method, concrete)?.route.operationId, r.operationId).toBe(r.operationId);
    }
  });
});

describe('layering', () => {
  it('keeps the domain pure: no AWS SDK, dynamodb-toolbox, zod, adapters, contracts or HTTP imports', () => {
    const offenders = walk(join(root, 'shared', 'domain'))
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from ['"](@aws-sdk\/|dynamodb-toolbox|zod|#shared\/adapters\/|#shared\/contracts\/|#shared\/http\/)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('has no Scan in request paths and no Math.random anywhere in source', () => {
    const source = ['functions', 'shared'].flatMap((d) => walk(join(root, d))).filter((f) => f.endsWith('.ts'));
    for (const f of source) {
      const text = readFileSync(f, 'utf8');
      expect(text, relative(root, f)).not.toMatch(/ScanCommand|\.scan\(/);
      expect(text, relative(root, f)).not.toMatch(/Math\.random/);
      expect(text, relative(root, f)).not.toMatch(/import \{ z \} from ['"]zod['"]/);
    }
  });
});
