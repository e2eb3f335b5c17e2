import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ENV } from '#shared/config/env.ts';
import type { Bundle } from './bundles.ts';
import { median, shuffle } from './lib.ts';

const run = promisify(execFile);

/**
 * What the Lambda Node.js runtime does at init for an ESM handler: a dynamic import of the `.mjs`, then reading
 * the exported handler. Timed inside the fresh process, so Node's own start-up is left out of both sides.
 */
const CHILD = `
const url = process.argv[1];
const t0 = performance.now();
const mod = await import(url);
const handler = mod.handler;
const ms = performance.now() - t0;
if (typeof handler !== 'function') { console.error('no handler export in ' + url); process.exit(2); }
process.stdout.write(String(ms));
`;

/** Function configuration as in AWS (dummy values), so module-scope configuration reads succeed. */
function lambdaEnv(assetDir: string): NodeJS.ProcessEnv {
  const key = randomBytes(32).toString('base64');
  // Every setting a function may require, with a placeholder; then the ones whose value must parse. Not set:
  // the endpoint overrides and LOCAL_WORKFLOWS (unset in AWS), the secret ARNs (the keys are given directly).
  const unset = new Set<string>([ENV.sealKeySecretArn, ENV.cursorSecretArn, ENV.localWorkflows, ENV.viesEndpoint, ENV.maxBodyBytes]);
  const placeholders = Object.fromEntries(
    Object.values(ENV)
      .filter((name) => !name.startsWith('AWS_ENDPOINT_URL') && !unset.has(name))
      .map((name) => [name, 'bench']),
  );
  return {
    ...placeholders,
    PATH: process.env.PATH,
    // Reserved variables the Lambda runtime sets (code may tell Lambda from tests and the local stack by them).
    LAMBDA_TASK_ROOT: assetDir,
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [ENV.stage]: 'dev',
    [ENV.tableName]: 'portal-dev',
    [ENV.userPoolId]: 'eu-west-1_bench',
    [ENV.userPoolClientId]: 'benchclient',
    [ENV.staffGroup]: 'vendor-staff',
    [ENV.mailFrom]: 'Portal <no-reply@portal.example>',
    [ENV.sesConfigurationSet]: 'portal-dev',
    [ENV.reviewTeamEmail]: 'reviews@vendor.example',
    [ENV.bucketName]: 'portal-dev-files',
    [ENV.sealKey]: key,
    [ENV.cursorSecret]: key,
    [ENV.reviewStateMachineArn]: 'arn:aws:states:eu-west-1:123456789012:stateMachine:reviews',
    [ENV.serviceName]: 'support-portal',
    [ENV.logLevel]: 'INFO',
    [ENV.portalUrl]: 'https://portal.example',
    [ENV.invoicesUrl]: 'https://portal.example/invoices',
    [ENV.billingTimeZone]: 'Europe/Paris',
    [ENV.corsOrigins]: 'https://portal.example',
  };
}

/**
 * One fresh process with the NODE_OPTIONS the bundle's function gets in its template (none for the baseline, whose
 * function sets none), as the Lambda runtime starts Node with the function's environment.
 */
async function importOnce(b: Bundle): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(b.file).href], {
    env: { ...lambdaEnv(b.assetDir), ...(b.nodeOptions ? { NODE_OPTIONS: b.nodeOptions } : {}) },
    timeout: 30_000,
  });
  return Number(stdout);
}

export interface ColdImportResult {
  runs: number;
  /** Median of every baseline import of the run. */
  baselineMs: number;
  /** Baseline imports per round (one every BASELINE_EVERY bundles, in the same shuffled queue). */
  baselinePerRound: number;
  /** `ratio`: the median over rounds of (this bundle's import / the median baseline import of the same round). */
  handlers: { name: string; medianMs: number; ratio: number }[];
}

/** A baseline import every this many bundles: each round has its own baseline, measured beside the bundles. */
const BASELINE_EVERY = 8;

/**
 * `runs` rounds; each round imports every bundle once, and the baseline once every BASELINE_EVERY bundles, in a
 * shuffled order, each in a fresh process, two at a time (2 cores). A bundle's ratio is paired by round: its
 * import divided by the median baseline import of that round, then the median of those ratios. On a shared
 * machine whose speed drifts over the minutes of a run, this compares each import with baselines measured in
 * the same seconds, rather than with one baseline median of the whole run.
 */
export async function coldImport(bundles: readonly Bundle[], baseline: Bundle, runs: number, onRound?: (i: number) => void): Promise<ColdImportResult> {
  const samples = new Map<Bundle, number[]>(bundles.map((b) => [b, []] as [Bundle, number[]]));
  const ratios = new Map<Bundle, number[]>(bundles.map((b) => [b, []] as [Bundle, number[]]));
  const baselineAll: number[] = [];
  let baselinePerRound = 0;
  for (let i = 0; i < runs; i++) {
    const shuffled = shuffle([...bundles]);
    const queue: Bundle[] = [];
    shuffled.forEach((b, n) => {
      if (n % BASELINE_EVERY === 0) queue.push(baseline);
      queue.push(b);
    });
    queue.push(baseline);
    const round = new Map<Bundle, number>();
    const roundBaseline: number[] = [];
    await Promise.all(
      [0, 1].map(async () => {
        for (let b = queue.shift(); b; b = queue.shift()) {
          const ms = await importOnce(b);
          if (b === baseline) roundBaseline.push(ms);
          else round.set(b, ms);
        }
      }),
    );
    baselinePerRound = roundBaseline.length;
    baselineAll.push(...roundBaseline);
    const base = median(roundBaseline);
    for (const [b, ms] of round) {
      samples.get(b)?.push(ms);
      ratios.get(b)?.push(ms / base);
    }
    onRound?.(i + 1);
  }
  return {
    runs,
    baselineMs: median(baselineAll),
    baselinePerRound,
    handlers: bundles
      .map((b) => ({ name: b.name, medianMs: median(samples.get(b) ?? []), ratio: median(ratios.get(b) ?? []) }))
      .sort((a, b) => b.ratio - a.ratio),
  };
}
