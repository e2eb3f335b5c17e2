import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { NAG_PACKS, applyPolicyGate } from '#infra/nag.ts';
import { synthDir, validationReport } from './assembly.ts';

/** Every `Validations.of(x).acknowledge()` recorded in the assembly, as `path|id`. */
function recordedAcknowledgements(dir: string): string[] {
  const recorded: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.metadata.json'))) {
    const metadata = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, { type: string; data?: Record<string, string> }[]>;
    for (const [path, entries] of Object.entries(metadata)) {
      for (const entry of entries) {
        if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
        for (const id of Object.keys(entry.data ?? {})) recorded.push(`${path.replace(/^\//, '')}|${id}`);
      }
    }
  }
  return recorded;
}

describe('the cdk-nag policy gate', () => {
  const report = validationReport();
  const nagReports = report.pluginReports.filter((r) => (NAG_PACKS as readonly string[]).includes(r.pluginName));

  it('ran both packs on the synthesized app', () => {
    expect(nagReports.map((r) => r.pluginName).sort()).toEqual([...NAG_PACKS].sort());
  });

  it('leaves no unacknowledged finding, errors or warnings, from any validation plugin', () => {
    const findings = report.pluginReports.flatMap((r) =>
      r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} at ${c.constructPath}: ${v.description}`)),
    );
    expect(findings).toEqual([]);
    for (const r of report.pluginReports) expect(r.conclusion, r.pluginName).toBe('success');
  });

  it('records a reason for every acknowledged finding, scoped below the stack', () => {
    const acknowledged = nagReports.flatMap((r) => r.suppressedViolations ?? []);
    console.log(
      `[infra] ${acknowledged.length} acknowledged cdk-nag findings:\n` +
        acknowledged
          .map((v) => `  ${v.ruleName} @ ${v.acknowledgedAt}\n    ${v.reason}`)
          .join('\n'),
    );
    for (const v of acknowledged) {
      expect(v.reason.length, v.ruleName).toBeGreaterThanOrEqual(40);
      // An acknowledgement on the stack (or the app) would silence the rule for everything in it.
      expect(v.acknowledgedAt.split('/').length, `${v.ruleName} acknowledged at ${v.acknowledgedAt}`).toBeGreaterThan(1);
    }
  });

  it('has no stale acknowledgement: each one matches a finding', () => {
    const used = new Set(
      nagReports.flatMap((r) => (r.suppressedViolations ?? []).map((v) => `${v.acknowledgedAt}|${v.acknowledgedId}`)),
    );
    const recorded = recordedAcknowledgements(synthDir());
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.filter((ack) => !used.has(ack))).toEqual([]);
  });

  describe('on an app with an unacknowledged finding', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'portal-nag-gate-'));
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it('fails synthesis and names the rule', () => {
      const app = new App({ outdir, context: { '@aws-cdk/core:appMode': 'inmemory' } });
      const stack = new Stack(app, 'GateProbe');
      // A queue with no TLS enforcement and no DLQ: AwsSolutions-SQS3 and SQS4 must fire.
      new sqs.Queue(stack, 'Queue', { enforceSSL: false });
      applyPolicyGate(app);
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    });
  });
});
