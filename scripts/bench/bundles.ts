import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { buildApp } from '#infra/app.ts';
import { REPO_ROOT, portalBundling } from '#infra/constructs/portal-function.ts';
import { bundleOf, bytesByPackage, loadTemplates, prop, resourcesOfType } from '#test/infra/assembly.ts';

/** A function bundle as synthesized: its `index.mjs`, sizes (from the esbuild metafile) and largest packages. */
export interface Bundle {
  name: string;
  file: string;
  assetDir: string;
  bytes: number;
  gzipBytes: number;
  topPackages: { pkg: string; bytes: number }[];
  /** NODE_OPTIONS as the synthesized function sets it (undefined: none), so the bench loads it with the same flags. */
  nodeOptions?: string;
}

export function bundlesIn(dir: string): Bundle[] {
  return resourcesOfType(loadTemplates(dir), 'AWS::Lambda::Function').map((fn) => {
    const { assetDir, output } = bundleOf(fn.resource, dir);
    const file = join(assetDir, 'index.mjs');
    const nodeOptions = prop<unknown>(fn.resource, 'Environment.Variables.NODE_OPTIONS');
    if (nodeOptions !== undefined && typeof nodeOptions !== 'string') throw new Error(`${fn.logicalId}: NODE_OPTIONS must be a literal string to be benchmarked`);
    return {
      name: (output.entryPoint ?? fn.logicalId).replace(/^functions\//, '').replace(/\.ts$/, ''),
      file,
      assetDir,
      bytes: output.bytes,
      gzipBytes: gzipSync(readFileSync(file)).length,
      topPackages: bytesByPackage(output.inputs)
        .slice(0, 5)
        .map(([pkg, bytes]) => ({ pkg, bytes })),
      ...(nodeOptions ? { nodeOptions } : {}),
    };
  });
}

/** Every function of the dev app, bundled exactly as `cdk synth` bundles them (PortalFunction). */
export function synthesizeHandlers(outdir: string): Bundle[] {
  buildApp({ stage: 'dev', outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } }).synth();
  return bundlesIn(outdir);
}

/**
 * The DynamoDB-client-only baseline (scripts/bench/baseline/dynamodb-only.ts), bundled by a NodejsFunction with
 * the same bundling options as every PortalFunction (`portalBundling()`), runtime and project root.
 */
export function synthesizeBaseline(outdir: string): Bundle {
  const app = new App({ outdir });
  const stack = new Stack(app, 'bench-baseline');
  new NodejsFunction(stack, 'DynamoDbOnly', {
    entry: fileURLToPath(new URL('./baseline/dynamodb-only.ts', import.meta.url)),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: `${REPO_ROOT}package-lock.json`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    bundling: portalBundling(),
  });
  app.synth();
  const [baseline] = bundlesIn(outdir);
  if (!baseline) throw new Error('the baseline bundle was not synthesized');
  return { ...baseline, name: 'baseline: DynamoDB client only' };
}
