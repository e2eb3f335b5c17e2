import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/contracts/routes/index.ts';
import { bundleOf, bytesByPackage, loadTemplates, resourcesOfType } from './assembly.ts';

/** PERFORMANCE.md target 1: every handler <= 450 KB minified and <= 140 KB gzip. */
const MAX_BYTES = 450 * 1024;
const MAX_GZIP_BYTES = 140 * 1024;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const bundles = resourcesOfType(loadTemplates(), 'AWS::Lambda::Function').map((fn) => {
  const { assetDir, output } = bundleOf(fn.resource);
  const code = readFileSync(join(assetDir, 'index.mjs'));
  return {
    entry: output.entryPoint ?? fn.logicalId,
    assetDir,
    output,
    // Minified size as esbuild reports it in the metafile of the synthesized bundle; gzip of the file itself.
    bytes: output.bytes,
    gzipBytes: gzipSync(code).length,
    code: code.toString('utf8'),
  };
});

console.log(
  `[infra] bundle sizes (budget ${kb(MAX_BYTES)} / ${kb(MAX_GZIP_BYTES)} gzip):\n` +
    bundles
      .sort((a, b) => b.bytes - a.bytes)
      .map((b) => `  ${b.entry.padEnd(40)} ${kb(b.bytes).padStart(10)} ${kb(b.gzipBytes).padStart(10)} gzip`)
      .join('\n'),
);

describe('function bundles', () => {
  it.each(bundles.map((b) => [b.entry, b] as const))('%s stays within the size budget', (_entry, b) => {
    const top = bytesByPackage(b.output.inputs)
      .slice(0, 8)
      .map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`)
      .join(', ');
    const detail = `${b.entry}: ${kb(b.bytes)} minified, ${kb(b.gzipBytes)} gzip; largest: ${top}`;
    expect(b.bytes, detail).toBeLessThanOrEqual(MAX_BYTES);
    expect(b.gzipBytes, detail).toBeLessThanOrEqual(MAX_GZIP_BYTES);
  });

  it.each(bundles.map((b) => [b.entry, b] as const))('%s is an ESM bundle that can still require() Node built-ins', (_entry, b) => {
    expect(b.code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
    const map = JSON.parse(readFileSync(join(b.assetDir, 'index.mjs.map'), 'utf8')) as { sourcesContent?: unknown };
    expect(map.sourcesContent, 'source maps must not ship the sources').toBeUndefined();
  });

  // A context's contract module builds every route and schema of the context; `shakable` (shared/contracts/common.ts)
  // lets esbuild drop those a handler does not use, so a cold start builds its own route's schemas only.
  const routeBundles = bundles.filter((b) => routes.some((r) => b.entry === `functions/${r.handler}.ts`));
  it.each(routeBundles.map((b) => [b.entry, b] as const))('%s builds its own route and no other route of the table', (_entry, b) => {
    const own = routes.filter((r) => b.entry === `functions/${r.handler}.ts`).map((r) => r.operationId);
    const built = routes.filter((r) => b.code.includes(`operationId:${JSON.stringify(r.operationId)}`)).map((r) => r.operationId);
    expect(built.sort()).toEqual(own.sort());
  });

  // PORTAL_RESPONSE_SCHEMAS is defined false in Lambda bundles (shared/contracts/route.ts): no response schema is built.
  it.each(routeBundles.map((b) => [b.entry, b] as const))('%s builds no response schema', (_entry, b) => {
    expect(b.code).toContain('responses:!1');
    expect(b.code).not.toMatch(/responses:\{/);
  });

  it.each(bundles.map((b) => [b.entry, b] as const))('%s resolves the SDK credential chain to the env-only provider', (_entry, b) => {
    const inputs = Object.keys(b.output.inputs);
    expect(inputs.filter((p) => p.includes('@aws-sdk/credential-provider-node/'))).toEqual([]);
    if (inputs.some((p) => p.includes('node_modules/@aws-sdk/client-'))) {
      expect(inputs).toContain('infra/bundling/env-credentials.ts');
    }
  });
});
