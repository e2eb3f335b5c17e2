import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '#infra/app.ts';

/**
 * Synthesizes the dev app once per test run (bundling every function with esbuild is the slow part) into a
 * temporary cloud assembly that the infra tests read through INFRA_SYNTH_DIR.
 *
 * Validation errors are left in validation-report.json instead of failing synthesis, so that the policy
 * gate test can list each unacknowledged finding; nag.test.ts also proves that the gate fails a normal synth.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const outdir = mkdtempSync(join(tmpdir(), 'portal-synth-'));
  const started = performance.now();
  buildApp({ stage: 'dev', outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } }).synth();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`[infra] synthesized portal-dev (esbuild bundles included) in ${seconds} s into ${outdir}`);
  process.env.INFRA_SYNTH_DIR = outdir;
  return async () => {
    rmSync(outdir, { recursive: true, force: true });
  };
}
