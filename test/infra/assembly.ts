import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';

/** Helpers over a synthesized cloud assembly (the directory of `*.template.json` files and assets). */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface StackTemplate {
  readonly file: string;
  readonly json: { Resources: Record<string, CfnResource>; Outputs?: Record<string, unknown> };
  readonly template: Template;
}

export interface Located {
  readonly file: string;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

/** The assembly synthesized by test/infra/global-setup.ts. */
export function synthDir(): string {
  const dir = process.env.INFRA_SYNTH_DIR;
  if (!dir || !existsSync(dir)) {
    throw new Error('INFRA_SYNTH_DIR is not set: run the infra tests with globalSetup test/infra/global-setup.ts');
  }
  return dir;
}

export function loadTemplates(dir: string = synthDir()): StackTemplate[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StackTemplate['json'];
      return { file, json, template: Template.fromJSON(json) };
    });
}

/** The root stack's template (nested ones are `*.nested.template.json`). */
export function rootTemplate(templates: readonly StackTemplate[], stackName = 'portal-dev'): StackTemplate {
  const root = templates.find((t) => t.file === `${stackName}.template.json`);
  if (!root) throw new Error(`No ${stackName}.template.json among ${templates.map((t) => t.file).join(', ')}`);
  return root;
}

export function resourcesOfType(templates: readonly StackTemplate[], type: string): Located[] {
  return templates.flatMap((t) =>
    Object.entries(t.json.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, resource]) => ({ file: t.file, logicalId, resource })),
  );
}

export function resourceIn(templates: readonly StackTemplate[], file: string, logicalId: string): CfnResource {
  const resource = templates.find((t) => t.file === file)?.json.Resources[logicalId];
  if (!resource) throw new Error(`No resource ${logicalId} in ${file}`);
  return resource;
}

/** The logical id a `Ref` or `Fn::GetAtt` points at (undefined for anything else). */
export function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

export function prop<T = unknown>(r: CfnResource, path: string): T | undefined {
  let cur: unknown = r.Properties;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur as T | undefined;
}

/** The asset folder holding a function's bundle (`asset.<hash>`, the hash being the S3 key's stem). */
export function assetDirOf(fn: CfnResource, dir: string = synthDir()): string {
  const key = prop<string>(fn, 'Code.S3Key');
  if (!key?.endsWith('.zip')) throw new Error(`Function code is not a zip asset: ${JSON.stringify(prop(fn, 'Code'))}`);
  return join(dir, `asset.${key.slice(0, -'.zip'.length)}`);
}

export interface EsbuildMetafile {
  readonly inputs: Record<string, { bytes: number }>;
  readonly outputs: Record<
    string,
    { bytes: number; entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }
  >;
}

/** The esbuild metafile NodejsFunction writes beside the bundle, and its `index.mjs` output entry. */
export function bundleOf(fn: CfnResource, dir: string = synthDir()) {
  const assetDir = assetDirOf(fn, dir);
  const meta = JSON.parse(readFileSync(join(assetDir, 'index.meta.json'), 'utf8')) as EsbuildMetafile;
  const output = Object.entries(meta.outputs).find(([path]) => path.endsWith('/index.mjs'))?.[1];
  if (!output) throw new Error(`${assetDir}/index.meta.json has no index.mjs output`);
  return { assetDir, meta, output };
}

/** Bytes in the bundle per package (`node_modules/<pkg>`) or per source folder, largest first. */
export function bytesByPackage(inputs: Record<string, { bytesInOutput: number }>): [string, number][] {
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

export interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: ReportedViolation[];
    readonly suppressedViolations?: (ReportedViolation & { reason: string; acknowledgedAt: string; acknowledgedId: string })[];
  }[];
}

export interface ReportedViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity: string;
  readonly violatingConstructs: { constructPath: string }[];
}

export function validationReport(dir: string = synthDir()): ValidationReport {
  return JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8')) as ValidationReport;
}
