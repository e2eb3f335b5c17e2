import { describe, expect, it } from 'vitest';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { contextOf, pascalCase } from '#infra/constructs/portal-function.ts';
import { type StackTemplate, loadTemplates, rootTemplate } from './assembly.ts';
import { resourceCount, synthWithoutBundling } from './synth-app.ts';

/** CloudFormation's per-stack limit is 500; keep a margin for what this estimate does not see. */
const STACK_BUDGET = 450;
const TARGET_ROUTES = 80;
const TARGET_BACKGROUND_FUNCTIONS = 10;
const TARGET_CONTEXTS = 20;

const probeBase = routes.find((r) => r.auth.kind !== 'public');

/** Routes that exist only to be counted: the handler of an existing route under new ids and paths. */
function probes(count: number, base: RouteSpec): RouteSpec[] {
  return Array.from({ length: count }, (_, i) => ({ ...base, operationId: `budgetProbe${i}`, path: `/budget-probe/${i}` as const }));
}

describe(`growth to ${TARGET_ROUTES} routes and ${TARGET_BACKGROUND_FUNCTIONS} background functions`, () => {
  if (!probeBase) throw new Error('the route table needs a non-public route to measure');
  const context = contextOf(probeBase.handler);
  const nestedOf = (files: StackTemplate[]) => files.find((t) => t.file.includes(`Api${pascalCase(context)}Routes`));

  const current = loadTemplates();
  const added = TARGET_ROUTES - routes.length;
  // Worst case: every added route lands in the same context, hence the same nested stack.
  const grown = synthWithoutBundling({ stage: 'dev', routes: [...routes, ...probes(added, probeBase)] });

  it(`fits ${TARGET_ROUTES} routes in one context under ${STACK_BUDGET} resources per stack`, () => {
    const before = nestedOf(current);
    const after = nestedOf(grown.templates);
    if (!before || !after) throw new Error(`no nested stack for context ${context}`);
    const perRoute = (resourceCount(after) - resourceCount(before)) / added;
    const rootDelta = resourceCount(rootTemplate(grown.templates)) - resourceCount(rootTemplate(current));
    console.log(
      `[infra] each route adds ${perRoute.toFixed(2)} resources to its context's nested stack and ${rootDelta / added} to the root; ` +
        `${TARGET_ROUTES} routes in one context: ${resourceCount(after)} resources`,
    );
    // Function, log group, integration, route, invoke permission; plus, now and then, an overflow policy
    // when the shared role's policy outgrows the inline size limit.
    expect(perRoute).toBeLessThan(5.5);
    expect(rootDelta).toBe(0);
    for (const t of grown.templates) expect(resourceCount(t), t.file).toBeLessThanOrEqual(STACK_BUDGET);
  });

  it(`leaves the root stack room for ${TARGET_BACKGROUND_FUNCTIONS} background functions and ${TARGET_CONTEXTS} contexts`, () => {
    const root = rootTemplate(current);
    const ids = Object.keys(root.json.Resources);
    // Everything the Jobs construct makes for one scheduled function: function, log group, queue, queue
    // policy, schedule, scheduler role and policy, alarms.
    const scheduled = backgroundFunctions.filter((f) => f.trigger === 'schedule').length;
    const perJob = ids.filter((id) => id.startsWith('Jobs')).length / Math.max(scheduled, 1);
    const perContextRole = 3; // role, default policy, X-Ray policy
    const nested = current.length - 1;
    const projected =
      resourceCount(root) +
      (TARGET_BACKGROUND_FUNCTIONS - backgroundFunctions.length) * (perJob + perContextRole) +
      (TARGET_CONTEXTS - nested);
    console.log(
      `[infra] root stack: ${resourceCount(root)} resources now; a scheduled function costs ${perJob}; ` +
        `projected with ${TARGET_BACKGROUND_FUNCTIONS} background functions and ${TARGET_CONTEXTS} contexts: ${projected}`,
    );
    expect(perJob).toBeGreaterThan(0);
    expect(projected).toBeLessThanOrEqual(STACK_BUDGET);
  });

  it('keeps the policy gate clean at that size', () => {
    expect(grown.report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
  });
});
