import fc from 'fast-check';
import type * as core from 'zod/v4/core';
import { safeParse } from 'zod/mini';
import { type RouteSpec, headersSchemaOf } from '#shared/contracts/route.ts';

/*
 * fast-check arbitraries from the route table's zod (mini) schemas. zod-fast-check does not support zod 4, so
 * this walks the schema definitions (`_zod.def`) itself: it aims at valid values (bounds, patterns, formats,
 * enums), and `safeParse` stays the oracle of what is valid. Then `mutatedRequest` breaks valid requests the
 * ways clients and attackers do.
 */

type Def = Record<string, any> & { type: string };
const defOf = (s: core.$ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const checkDefs = (d: Def): Record<string, any>[] => ((d.checks ?? []) as { _zod: { def: Record<string, any> } }[]).map((c) => c._zod.def);

/** What request parts carry: the body is JSON; path, query and headers are strings. */
export type Part = 'path' | 'query' | 'header' | 'body';

const TEXT = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

function stringArb(d: Def): fc.Arbitrary<string> {
  let min = 0;
  let max = Infinity;
  const patterns: RegExp[] = [];
  for (const c of checkDefs(d)) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum);
    else if (c.check === 'max_length') max = Math.min(max, c.maximum);
    else if (c.check === 'length_equals') (min = c.length), (max = c.length);
    else if (c.check === 'string_format' && c.format === 'regex' && c.pattern) patterns.push(c.pattern);
  }
  const fit = (a: fc.Arbitrary<string>) => a.filter((s) => s.length >= min && s.length <= max);
  switch (d.format) {
    case 'email':
      return fc.oneof(
        fc.constantFrom('ana@acme-test.example', 'b.c+d@sub.domain-test.example', 'Upper.Case@Example.COM'),
        fc.tuple(fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}[a-z0-9]$/), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}\.(example|test|com|fr)$/)).map(([l, h]) => `${l}@${h}`),
      );
    case 'datetime':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((x) => x.toISOString());
    case 'date':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((x) => x.toISOString().slice(0, 10));
    case 'url':
      return fc.constantFrom('https://example.com/', 'https://portal.example.com/path?q=1', 'https://a.example/x');
    case 'uuid':
    case 'guid':
      return fc.uuid();
  }
  const pattern = patterns[0] ?? (d.pattern instanceof RegExp && d.format !== undefined ? d.pattern : undefined);
  if (pattern) return fit(fc.stringMatching(pattern)).filter((s) => patterns.every((p) => p.test(s)));
  const hi = Math.min(max, min + 16);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: hi }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: hi }) },
  );
}

function numberArb(d: Def): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let int = false;
  for (const c of [d, ...checkDefs(d)]) {
    if (c.check === 'greater_than') min = c.inclusive ? c.value : c.value + (int ? 1 : 1e-6);
    else if (c.check === 'less_than') max = c.inclusive ? c.value : c.value - (int ? 1 : 1e-6);
    else if (c.check === 'number_format' || (c.format && /int/.test(String(c.format)))) int = true;
    else if (c.check === 'multiple_of' && c.value === 1) int = true;
  }
  if (d.format && /int/.test(String(d.format))) int = true;
  if (int) return fc.integer({ min: Math.ceil(Math.max(min, -2_000_000_000)), max: Math.floor(Math.min(max, 2_000_000_000)) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** An arbitrary that mostly produces values `schema` accepts. */
export function arbitraryOf(schema: core.$ZodType, depth = 0): fc.Arbitrary<unknown> {
  const d = defOf(schema);
  if (depth > 8) return fc.constant(undefined);
  const next = (s: core.$ZodType) => arbitraryOf(s, depth + 1);
  switch (d.type) {
    case 'string':
      return stringArb(d);
    case 'number':
    case 'int':
      return numberArb(d);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'literal':
      return fc.constantFrom(...(d.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries as Record<string, unknown>));
    case 'optional':
      return fc.option(next(d.innerType), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(next(d.innerType), { nil: null, freq: 5 });
    case 'default':
    case 'prefault':
      return fc.option(next(d.innerType), { nil: undefined, freq: 3 });
    case 'readonly':
    case 'catch':
    case 'nonoptional':
    case 'success':
      return next(d.innerType);
    case 'pipe':
      return next(d.in);
    case 'lazy':
      return next(d.getter());
    case 'union':
      return fc.oneof(...(d.options as core.$ZodType[]).map(next));
    case 'intersection':
      return next(d.left);
    case 'array': {
      let min = 0;
      let max = 3;
      for (const c of checkDefs(d)) {
        if (c.check === 'min_length') min = c.minimum;
        else if (c.check === 'max_length') max = Math.min(c.maximum, Math.max(min, 3));
        else if (c.check === 'length_equals') (min = c.length), (max = c.length);
      }
      return fc.array(next(d.element), { minLength: min, maxLength: Math.max(min, max) });
    }
    case 'tuple':
      return fc.tuple(...(d.items as core.$ZodType[]).map(next));
    case 'record':
      return fc.dictionary(next(d.keyType).map(String), next(d.valueType), { maxKeys: 3 });
    case 'object': {
      const shape = d.shape as Record<string, core.$ZodType>;
      const entries = Object.entries(shape).map(([k, v]) => [k, next(v)] as const);
      return fc.record(Object.fromEntries(entries)).map((o) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o as Record<string, unknown>)) if (v !== undefined) out[k] = v;
        return out;
      });
    }
    default:
      // unknown, any, custom, transform...: any JSON.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Path, query and header values are strings on the wire. */
function asWireStrings(o: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((o ?? {}) as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}

export interface FuzzRequest {
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The raw body text as the client sends it (undefined: none). */
  body: string | undefined;
  contentType?: string;
  isBase64Encoded?: boolean;
  /** The mutation applied, for the report ('valid' when none). */
  mutation: string;
}

/**
 * A request the route's schemas accept, most of the time: cross-field refinements (a postal code valid for
 * the country...) can refuse a candidate, so this draws a few and keeps the first the schemas accept.
 */
export function validRequest(route: RouteSpec): fc.Arbitrary<FuzzRequest> {
  return fc.array(candidateRequest(route), { minLength: 5, maxLength: 5 }).map((cs) => cs.find((c) => schemaAccepts(route, c)) ?? (cs[0] as FuzzRequest));
}

function candidateRequest(route: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const headers = headersSchemaOf(route);
  return fc
    .record({
      path: route.request.path ? arbitraryOf(route.request.path).map(asWireStrings) : fc.constant({}),
      query: route.request.query ? arbitraryOf(route.request.query).map(asWireStrings) : fc.constant({}),
      headers: headers ? arbitraryOf(headers).map(asWireStrings) : fc.constant({}),
      body: route.request.body ? arbitraryOf(route.request.body).map((b) => JSON.stringify(b)) : fc.constant(undefined),
    })
    .map((r) => ({ ...r, contentType: r.body === undefined ? undefined : 'application/json', mutation: 'valid' }));
}

const CRLF = fc.constantFrom(
  'x\r\n{"level":"ERROR","message":"forged","requestId":"forged"}',
  'ok\n{"level":"INFO","message":"request completed","status":200}',
  '\r\nSet-Cookie: a=b',
  'a\u2028b\u0000c\u001b[31m',
);
const PROTO = fc.constantFrom('__proto__', 'constructor', 'prototype');
const WRONG_TYPES = fc.constantFrom<unknown>(null, 0, -1, 1.5, 1e308, true, '', 'x'.repeat(300), [], {}, [1, 'a'], { $ne: null }, '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '${jndi:ldap://x}');
const KEYS = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('orgId', 'role', 'tier', 'userId', 'status', 'isStaff', 'pk', 'sk'));

/** Every string leaf of a JSON value, as a path. */
function leafPaths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) v.forEach((x, i) => leafPaths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leafPaths(x, [...at, k], out);
  else out.push(at);
  return out;
}
function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  copy[head] = setAt(copy[head], rest, value);
  return copy;
}
function deleteAt(root: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return undefined;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (rest.length === 0) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head];
  } else copy[head] = deleteAt(copy[head], rest);
  return copy;
}
/** A mutation's string from any generated value (JSON values can be objects without a prototype). */
const str = (x: unknown): string => (typeof x === 'string' ? x : (JSON.stringify(x) ?? ''));
const pick = <T>(xs: T[], n: number): T | undefined => (xs.length === 0 ? undefined : xs[n % xs.length]);

type Mutator = (r: FuzzRequest, seed: number, extra: unknown) => FuzzRequest;

const bodyValue = (r: FuzzRequest): unknown => {
  try {
    return r.body === undefined || r.isBase64Encoded ? {} : JSON.parse(r.body);
  } catch {
    return {};
  }
};
const withBody = (r: FuzzRequest, v: unknown, mutation: string): FuzzRequest => ({ ...r, body: JSON.stringify(v) ?? 'null', contentType: 'application/json', isBase64Encoded: false, mutation });
const stringParts = ['path', 'query', 'headers'] as const;
/** The string parts a request can vary: path parameters only exist on routes that declare them. */
const partsOf = (r: FuzzRequest) => stringParts.filter((p) => p !== 'path' || Object.keys(r.path).length > 0);

const MUTATORS: Record<string, Mutator> = {
  /** A string leaf of the body becomes a log-forging value. */
  bodyCrlf: (r, seed, x) => {
    const v = bodyValue(r);
    const at = pick(leafPaths(v), seed);
    return withBody(r, at ? setAt(v, at, x) : { injected: x }, 'body.crlf');
  },
  bodyWrongType: (r, seed, x) => {
    const v = bodyValue(r);
    const at = pick(leafPaths(v), seed);
    return withBody(r, at ? setAt(v, at, x) : x, 'body.wrong_type');
  },
  bodyDropField: (r, seed) => {
    const v = bodyValue(r);
    const at = pick(leafPaths(v), seed);
    return withBody(r, at ? deleteAt(v, at) : v, 'body.drop_field');
  },
  bodyUnknownField: (r, _seed, x) => {
    const v = bodyValue(r);
    const key = str(x) || 'extra';
    return withBody(r, v && typeof v === 'object' && !Array.isArray(v) ? { ...v, [key]: 'x' } : { [key]: v }, 'body.unknown_field');
  },
  /** `{"__proto__": ...}` and friends, written as raw JSON (an object literal would not keep the key). */
  bodyProtoKey: (r, seed, x) => {
    const v = bodyValue(r);
    const inner = JSON.stringify(v && typeof v === 'object' && !Array.isArray(v) ? v : {});
    const payload = seed % 2 === 0 ? `{"isStaff":true,"role":"site_admin"}` : `{"polluted":"yes"}`;
    const body = inner === '{}' ? `{"${str(x)}":${payload}}` : `${inner.slice(0, -1)},"${str(x)}":${payload}}`;
    return { ...r, body, contentType: 'application/json', mutation: `body.proto_key.${str(x)}` };
  },
  bodyTooLong: (r, seed) => {
    const v = bodyValue(r);
    const at = pick(leafPaths(v), seed);
    return withBody(r, at ? setAt(v, at, 'a'.repeat(seed % 2 ? 5000 : 257)) : v, 'body.long_string');
  },
  bodyOversize: (r) => ({ ...r, body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), contentType: 'application/json', mutation: 'body.oversize' }),
  bodyWrongContentType: (r, seed) => ({
    ...r,
    body: r.body ?? '{"a":1}',
    contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/xml', 'multipart/form-data; boundary=x', ''], seed),
    mutation: 'body.content_type',
  }),
  bodyMalformed: (r, seed) => {
    const text = r.body ?? '{"a":1}';
    const bad = pick([text.slice(0, Math.max(1, text.length - 1)), `${text}}`, "{'a':1}", '{"a":1,}', '\u0000', 'null', '[]', '"str"', '1e999', '{"a":"\ud800"}'], seed) as string;
    return { ...r, body: bad, contentType: 'application/json', mutation: 'body.malformed' };
  },
  bodyAnything: (r, _seed, x) => withBody(r, x, 'body.anything'),
  bodyBase64: (r) => ({ ...r, body: Buffer.from(r.body ?? '{}').toString('base64'), isBase64Encoded: true, contentType: 'application/json', mutation: 'body.base64' }),
  /** A string part (path/query/header) value replaced by an odd string. */
  partValue: (r, seed, x) => {
    const part = pick(partsOf(r), seed) as (typeof stringParts)[number];
    const keys = Object.keys(r[part]);
    const key = pick(keys, seed >> 2) ?? (part === 'headers' ? 'idempotency-key' : 'q');
    return { ...r, [part]: { ...r[part], [key]: typeof x === 'string' ? x : JSON.stringify(x) }, mutation: `${part}.value` };
  },
  partCrlf: (r, seed, x) => {
    const part = pick(partsOf(r), seed) as (typeof stringParts)[number];
    const key = pick(Object.keys(r[part]), seed >> 2) ?? 'x-custom';
    return { ...r, [part]: { ...r[part], [key]: String(x) }, mutation: `${part}.crlf` };
  },
  partDrop: (r, seed) => {
    const part = pick(partsOf(r), seed) as (typeof stringParts)[number];
    const copy = { ...r[part] };
    const key = pick(Object.keys(copy), seed >> 2);
    if (key) delete copy[key];
    return { ...r, [part]: copy, mutation: `${part}.drop` };
  },
  queryUnknown: (r, _seed, x) => ({ ...r, query: { ...r.query, [str(x) || 'extra']: '1' }, mutation: 'query.unknown' }),
  queryProto: (r, _seed, x) => ({ ...r, query: { ...r.query, [str(x)]: 'polluted' }, mutation: 'query.proto_key' }),
  idempotencyKey: (r, seed) => ({
    ...r,
    headers: { ...r.headers, 'idempotency-key': pick(['', ' ', 'k'.repeat(256), 'clé-é', 'a\r\nb', 'x'.repeat(255)], seed) as string },
    mutation: 'header.idempotency_key',
  }),
  forgedOrg: (r, seed) => ({ ...r, headers: { ...r.headers, 'x-org-id': pick(['org_doesnotexist00', 'org_' + 'a'.repeat(60), '', '*', 'org_x\r\ny'], seed) as string }, mutation: 'header.x_org_id' }),
  pathTraversal: (r, seed) => {
    const key = pick(Object.keys(r.path), seed);
    const bad = pick(['..', '../x', '%2e%2e', 'a'.repeat(5000), ' ', '\u0000', 'null', 'undefined', '__proto__', 'constructor', '<x>'], seed >> 2) as string;
    return key ? { ...r, path: { ...r.path, [key]: bad }, mutation: 'path.traversal' } : { ...r, query: { ...r.query, id: bad }, mutation: 'query.unknown' };
  },
  unexpectedBody: (r) => (r.body === undefined ? { ...r, body: '{"a":1}', contentType: 'application/json', mutation: 'body.unexpected' } : { ...r, body: undefined, contentType: undefined, mutation: 'body.missing' }),
};

export const MUTATION_KINDS = Object.keys(MUTATORS);

type Step = [kind: string, seed: number, extra: unknown];

/** One to two mutations (kind, a seed choosing where, a value to put there). Cheap to draw. */
export const mutationSteps: fc.Arbitrary<Step[]> = fc.array(
  fc.tuple(fc.constantFrom(...MUTATION_KINDS), fc.nat(), fc.oneof(CRLF, PROTO, WRONG_TYPES, KEYS, fc.jsonValue({ maxDepth: 1 }))),
  { minLength: 1, maxLength: 2 },
);

/** Applies mutation steps to a (valid) request. */
export function mutate(r: FuzzRequest, steps: Step[]): FuzzRequest {
  let out = r;
  const names: string[] = [];
  for (const [kind, seed, x] of steps) {
    const m = MUTATORS[kind] as Mutator;
    const extra =
      kind === 'bodyCrlf' || kind === 'partCrlf'
        ? typeof x === 'string' && /[\r\n]/.test(x) ? x : 'a\r\nforged'
        : kind === 'queryProto' || kind === 'bodyProtoKey'
          ? ['__proto__', 'constructor', 'prototype'].includes(str(x)) ? x : '__proto__'
          : x;
    out = m(out, seed, extra);
    names.push(out.mutation);
  }
  return { ...out, mutation: names.join('+') };
}

/** A valid request broken by one of MUTATORS (or two in a row). */
export function mutatedRequest(route: RouteSpec): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(candidateRequest(route), mutationSteps).map(([r, steps]) => mutate(r, steps));
}

/**
 * RUNS inputs for a route: `bases` valid requests drawn from the schemas (the expensive part), the rest
 * mutations of them (cheap), all from one seed.
 */
export function fuzzCases(route: RouteSpec, runs: number, seed: number, bases = 40): FuzzRequest[] {
  const valid = fc.sample(validRequest(route), { numRuns: Math.min(bases, runs), seed });
  // The mutation steps do not depend on the route (their seeds pick the place): drawn once per count.
  const steps = (stepCache[runs] ??= fc.sample(mutationSteps, { numRuns: runs, seed: 7 }));
  return [...valid, ...steps.slice(valid.length).map((s, i) => mutate(valid[(i + seed) % valid.length] as FuzzRequest, s))];
}
const stepCache: Record<number, Step[][]> = {};

/** Whether every part of `r` passes the route's schemas (the oracle; the body must also be well-formed JSON). */
export function schemaAccepts(route: RouteSpec, r: FuzzRequest): boolean {
  const ok = (s: core.$ZodType | undefined, v: unknown) => (s ? safeParse(s, v).success : Object.keys((v ?? {}) as object).length === 0);
  let body: unknown;
  const text = r.body === undefined ? undefined : r.isBase64Encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body;
  if (text !== undefined && text.trim() !== '') {
    if (r.contentType !== 'application/json' || Buffer.byteLength(text) > 64 * 1024) return false;
    try {
      body = JSON.parse(text, (k, v) => {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Error('proto');
        return v;
      });
    } catch {
      return false;
    }
  }
  const headers = headersSchemaOf(route);
  return (
    ok(route.request.path, r.path) &&
    ok(route.request.query, r.query) &&
    (headers ? safeParse(headers, r.headers).success : true) &&
    (route.request.body ? body !== undefined && safeParse(route.request.body, body).success : body === undefined)
  );
}
