import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildAppOptions, buildApp } from '#infra/app.ts';
import { type StackTemplate, loadTemplates, validationReport } from './assembly.ts';

/**
 * Synthesizes a variant of the app without bundling (esbuild is skipped, assets are placeholders), for
 * tests about the templates only. Returns the templates and the validation report; the folder is removed.
 */
export function synthWithoutBundling(options: Omit<BuildAppOptions, 'outdir' | 'context'>) {
  const outdir = mkdtempSync(join(tmpdir(), 'portal-synth-variant-'));
  try {
    buildApp({
      ...options,
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
    }).synth();
    return { templates: loadTemplates(outdir) as StackTemplate[], report: validationReport(outdir) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function resourceCount(t: StackTemplate): number {
  return Object.keys(t.json.Resources).length;
}
