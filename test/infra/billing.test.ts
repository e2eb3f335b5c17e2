import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleOf, loadTemplates, prop, refOf, resourcesOfType } from './assembly.ts';

/**
 * BI-1/BI-2 infrastructure: the invoice PDF renderer ships beside its handler (outside the handler's
 * bundle and budget) with its fonts, and the invoice batch runs on two EventBridge Scheduler schedules in
 * the stage's billing time zone, with a DLQ on the target.
 */

const templates = loadTemplates();
const functions = resourcesOfType(templates, 'AWS::Lambda::Function');
const byEntry = (entry: string) => {
  const fn = functions.find((f) => bundleOf(f.resource).output.entryPoint === entry);
  if (!fn) throw new Error(`no function bundles ${entry}`);
  return fn;
};

describe('the invoice PDF function', () => {
  const fn = byEntry('functions/billing/get-invoice-pdf.ts');
  const { assetDir, output } = bundleOf(fn.resource);

  it('carries the renderer as a separate bundle with the fonts of the five locales', () => {
    expect(existsSync(join(assetDir, 'pdf', 'render-invoice.mjs'))).toBe(true);
    expect(readdirSync(join(assetDir, 'pdf', 'fonts')).sort()).toEqual(['DejaVuSans-Bold.ttf', 'DejaVuSans.ttf', 'noto-sans-jp-japanese-400.woff']);
    // pdfkit + fontkit minified (~900 KB): far over the handler budget, which is why it lives here.
    const renderer = readFileSync(join(assetDir, 'pdf', 'render-invoice.mjs'), 'utf8');
    expect(renderer.length).toBeGreaterThan(500 * 1024);
    expect(renderer.includes('renderInvoicePdf'), 'the renderer module exports renderInvoicePdf').toBe(true);
  });

  it('keeps pdfkit and fontkit out of the handler bundle', () => {
    const inputs = Object.keys(output.inputs);
    expect(inputs.filter((p) => /node_modules\/(pdfkit|fontkit)\//.test(p))).toEqual([]);
    expect(inputs).not.toContain('shared/adapters/pdf/render-invoice.ts');
  });

  it('gets memory for rendering', () => {
    expect(prop(fn.resource, 'MemorySize')).toBe(1024);
  });
});

describe('the invoice batch schedules', () => {
  const batch = byEntry('functions/billing/invoice-batch.ts');
  const schedules = resourcesOfType(templates, 'AWS::Scheduler::Schedule').filter((s) => refOf(prop(s.resource, 'Target.Arn')) === batch.logicalId);

  it('runs daily for per-order orgs and quarterly for quarterly orgs, in the billing time zone', () => {
    const plans = schedules.map((s) => ({
      expression: prop<string>(s.resource, 'ScheduleExpression'),
      timeZone: prop<string>(s.resource, 'ScheduleExpressionTimezone'),
      input: JSON.parse(prop<string>(s.resource, 'Target.Input') ?? '{}'),
    }));
    expect(plans).toEqual(
      expect.arrayContaining([
        { expression: 'cron(0 2 * * ? *)', timeZone: 'Europe/Paris', input: { kind: 'per_order', scheduledTime: '<aws.scheduler.scheduled-time>' } },
        { expression: 'cron(0 3 1 1,4,7,10 ? *)', timeZone: 'Europe/Paris', input: { kind: 'quarterly', scheduledTime: '<aws.scheduler.scheduled-time>' } },
      ]),
    );
    expect(plans).toHaveLength(2);
  });

  it('sends what the scheduler cannot deliver to a DLQ, and retries (a long run resumes from its checkpoint)', () => {
    for (const s of schedules) {
      expect(refOf(prop(s.resource, 'Target.DeadLetterConfig.Arn'))).toBeDefined();
      expect(prop(s.resource, 'Target.RetryPolicy.MaximumRetryAttempts')).toBe(2);
    }
    expect(prop(batch.resource, 'Timeout')).toBe(900);
    const env = prop<Record<string, unknown>>(batch.resource, 'Environment.Variables') ?? {};
    expect(env.BILLING_TIME_ZONE).toBe('Europe/Paris');
  });
});
