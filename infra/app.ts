import { readFileSync } from 'node:fs';
import { App, Tags } from 'aws-cdk-lib';
import type { FunctionSpec } from '#shared/contracts/functions.ts';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { type Stage, stageConfig } from '#infra/config/stages.ts';
import { REPO_ROOT } from '#infra/constructs/portal-function.ts';
import { applyPolicyGate } from '#infra/nag.ts';
import { PortalStack } from '#infra/stacks/portal-stack.ts';

export interface BuildAppOptions {
  /** @default the `stage` context value (`-c stage=...`), else `dev` */
  readonly stage?: Stage | (string & {});
  /** @default CDK_OUTDIR (set by the CLI), else a temporary directory */
  readonly outdir?: string;
  /** Extra context, over cdk.json's (e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip esbuild). */
  readonly context?: Record<string, unknown>;
  /** Test seams: replace the route table / background functions. */
  readonly routes?: readonly RouteSpec[];
  readonly backgroundFunctions?: readonly FunctionSpec[];
}

/** cdk.json's context (feature flags), so an app built outside the CLI (tests) synthesizes the same way. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(`${REPO_ROOT}cdk.json`, 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * The CDK app: one `portal-<stage>` stack, tagged, with the cdk-nag policy gate (AwsSolutions + Serverless
 * packs) registered. Used by infra/bin/app.ts and by the infra tests.
 */
export function buildApp(options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, context: { ...cdkJsonContext(), ...options.context } });
  const config = stageConfig(options.stage ?? app.node.tryGetContext('stage') ?? 'dev', {
    alarmEmail: app.node.tryGetContext('alarmEmail'),
  });
  new PortalStack(app, `portal-${config.stage}`, {
    config,
    routes: options.routes,
    backgroundFunctions: options.backgroundFunctions,
  });
  Tags.of(app).add('project', 'support-portal');
  Tags.of(app).add('stage', config.stage);
  applyPolicyGate(app);
  return app;
}
