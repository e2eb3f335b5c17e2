import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GSIS } from '#shared/adapters/dynamodb/table-def.ts';
import { ENV } from '#shared/config/env.ts';
import type { DataFileSet, ResourceUse } from '#shared/contracts/route.ts';
import { DOMAIN_LIST_FILES } from '#shared/adapters/domains/lists.ts';
import { FONT_FILES, INVOICE_PDF_RENDERER } from '#shared/adapters/pdf/fonts.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';

/** The repository root: entries, the lock file and the esbuild alias target are resolved from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CREDENTIALS_ALIAS = fileURLToPath(new URL('../bundling/env-credentials.ts', import.meta.url));
const WEB_STREAMS_ALIAS = fileURLToPath(new URL('../bundling/web-streams.ts', import.meta.url));

export const SERVICE_NAME = 'support-portal';
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** `tickets/create-ticket` -> `tickets`: the unit that shares an IAM role. */
export function contextOf(handler: string): string {
  const [context, action, ...rest] = handler.split('/');
  if (!context || !action || rest.length > 0 || !/^[a-z][a-z0-9-]*$/.test(context)) {
    throw new Error(`Handler "${handler}" must be "context/action" (functions/<context>/<action>.ts)`);
  }
  return context;
}

/**
 * The execution role shared by the functions of one context (the part of `handler` before the slash), so
 * a context costs three IAM resources (role, default policy, X-Ray policy) however many functions it has,
 * and the role holds the union of their grants. No AWS managed policy: log writes are granted per log
 * group by PortalFunction.
 */
export class ContextRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: { readonly context: string }) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.context} functions`,
    });
    // Kept out of the role's default policy so that this acknowledgement covers these two actions only.
    const tracing = new iam.Policy(this, 'XRayWrite', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      ],
    });
    acknowledge(
      tracing,
      'AwsSolutions-IAM5[Resource::*]',
      'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (Service Authorization Reference: no resource types); Lambda active tracing needs exactly these two actions and this policy holds nothing else.',
    );
  }
}

/** One ContextRole per context, created on first use under this construct. */
export class ContextRoles extends Construct {
  private readonly roles = new Map<string, ContextRole>();

  for(context: string): ContextRole {
    let role = this.roles.get(context);
    if (!role) {
      role = new ContextRole(this, pascalCase(context), { context });
      this.roles.set(context, role);
    }
    return role;
  }
}

/**
 * Bundling hooks that copy data files next to the bundle (`data/<file>`), where the runtime reads them from
 * LAMBDA_TASK_ROOT: lists too large to bundle as code (the 450 KB budget) and not needed at import time.
 */
function dataFileHooks(sets: readonly DataFileSet[]) {
  const copies: string[] = [];
  for (const set of sets) {
    if (set === 'email-domain-lists') {
      for (const { pkg, file } of Object.values(DOMAIN_LIST_FILES)) copies.push(`cp "${REPO_ROOT}node_modules/${pkg}" "$OUT/data/${file}"`);
    }
    if (set === 'invoice-pdf') {
      // A second bundle beside the handler (pdf/render-invoice.mjs, imported lazily on the first render) and
      // the fonts it reads from pdf/fonts/: outside the handler's index.mjs and its 450 KB budget.
      copies.push(`mkdir -p "$OUT/pdf/fonts"`);
      copies.push(
        `"${REPO_ROOT}node_modules/.bin/esbuild" "${REPO_ROOT}${INVOICE_PDF_RENDERER}" --bundle --platform=node --format=esm --target=node24 --minify --log-level=warning ` +
          `--outfile="$OUT/pdf/render-invoice.mjs" "--banner:js=import { createRequire } from 'module'; const require = createRequire(import.meta.url);"`,
      );
      for (const font of Object.values(FONT_FILES)) copies.push(`cp "${REPO_ROOT}${font}" "$OUT/pdf/fonts/"`);
    }
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [`mkdir -p "${outputDir}/data"`, ...copies.map((c) => c.replaceAll('$OUT', outputDir))],
  };
}

/**
 * The esbuild options of every function bundle (see PortalFunction). Exported so that `npm run bench` builds
 * its baseline bundle with exactly these options.
 */
export function portalBundling(dataFiles?: readonly DataFileSet[]): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
    minify: true,
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: false,
    metafile: true,
    bundleAwsSDK: true,
    esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': CREDENTIALS_ALIAS, '--alias:node:stream/web': WEB_STREAMS_ALIAS },
    // Routes' response schemas serve the OpenAPI document and the tests, never a handler (shared/contracts/route.ts).
    define: { PORTAL_RESPONSE_SCHEMAS: 'false' },
    ...(dataFiles?.length ? { commandHooks: dataFileHooks(dataFiles) } : {}),
  };
}

/** `outbox-admin` -> `OutboxAdmin`, `getMe` -> `GetMe`: construct ids from contexts and operation ids. */
export function pascalCase(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** What `bindMail` needs to know about the stage's sender; provided by the Email construct. */
export interface MailSender {
  readonly identityArn: string;
  readonly configurationSetArn: string;
  readonly configurationSetName: string;
  readonly fromAddress: string;
  readonly reviewTeamEmail: string;
  /** Secrets Manager secret with the outbox sealing key (OUTBOX_SEAL_KEY_SECRET_ARN). */
  readonly sealKey: ISecret;
}

export interface UserDirectory {
  readonly userPoolId: string;
  readonly userPoolArn: string;
  readonly userPoolClientId: string;
  readonly staffGroup: string;
}

/** What `bindWorkflow` needs to know about the review state machine; provided by the Workflows construct. */
export interface WorkflowResource {
  readonly stateMachineArn: string;
}

/** The shared resources a `uses` entry can refer to. */
export interface PortalResources {
  readonly table: ITable;
  readonly mail: MailSender;
  readonly users: UserDirectory;
  /** HMAC key signing pagination cursors (every route function gets it). */
  readonly cursorKey: ISecret;
  /** Attachments, documents and PDFs (presigned URLs). */
  readonly bucket: IBucket;
  /** The review state machine (the `workflow` use); absent when no workflow function is registered. */
  readonly workflow?: WorkflowResource;
}

export interface PortalFunctionProps {
  /** `context/action`: bundles `functions/<context>/<action>.ts`, which exports `handler`. */
  readonly handler: string;
  readonly config: StageConfig;
  /** @default a role of its own (a ContextRole) */
  readonly role?: ContextRole;
  /** @default config.lambdaMemoryMb */
  readonly memoryMb?: number;
  /** @default 10 s */
  readonly timeoutSeconds?: number;
  readonly description?: string;
  /** Data files copied into the bundle's `data/` folder (read lazily at run time). @default none */
  readonly dataFiles?: readonly DataFileSet[];
  /** Async invocations only; see the Serverless pack's LambdaDLQ rule. @default none */
  readonly deadLetterQueue?: lambda.FunctionProps['deadLetterQueue'];
}

/**
 * A Lambda function for one handler module, with the project's fixed defaults:
 * - Node.js 24 on arm64, entry `functions/<handler>.ts`, export `handler`;
 * - esbuild (the local install, never Docker): ESM `index.mjs` with the `createRequire` banner, mainFields
 *   `module,main`, minified, target node24, the AWS SDK bundled, `@aws-sdk/credential-provider-node`
 *   aliased to `infra/bundling/env-credentials.ts` and `node:stream/web` to `infra/bundling/web-streams.ts`, routes
 *   without their response schemas (`PORTAL_RESPONSE_SCHEMAS` defined `false`), external source maps without sources content, an esbuild
 *   metafile `index.meta.json` beside the bundle. The maps ship for offline symbolication only: no
 *   `NODE_OPTIONS=--enable-source-maps`, with which Node reads and parses the map at every cold start (measured
 *   on the bench machine: ~25 ms on a 420 KB handler, ~7 ms on the DynamoDB-only baseline);
 * - its own LogGroup with the stage's retention (kept on delete in prod), JSON log format at the stage's
 *   level; X-Ray active tracing;
 * - env STAGE, POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL; the `bind*` helpers add the rest together
 *   with the matching grants.
 */
export class PortalFunction extends NodejsFunction {
  readonly contextRole: ContextRole;
  readonly handlerPath: string;

  constructor(scope: Construct, id: string, props: PortalFunctionProps) {
    const context = contextOf(props.handler);
    const contextRole = props.role ?? new ContextRole(scope, `${id}Role`, { context });
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.config.logRetention,
      // Production logs outlive a removed function until their retention ends; dev ones go with the stack.
      removalPolicy: props.config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: `${REPO_ROOT}functions/${props.handler}.ts`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb ?? props.config.lambdaMemoryMb,
      timeout: Duration.seconds(props.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      description: props.description,
      role: contextRole.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Lambda's level wins over POWERTOOLS_LOG_LEVEL under the JSON format, so both get the same value.
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.config.logLevel],
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        [ENV.stage]: props.config.stage,
        [ENV.portalUrl]: props.config.portalUrl,
        [ENV.serviceName]: SERVICE_NAME,
        [ENV.logLevel]: props.config.logLevel,
      },
      bundling: portalBundling(props.dataFiles),
    });
    this.contextRole = contextRole;
    this.handlerPath = props.handler;
    logGroup.grantWrite(contextRole.role);
    // Set on the L1 rather than through `tracing`, which would put the X-Ray wildcard statement in the
    // role's default policy, next to the table and mail grants (see ContextRole).
    (this.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
  }

  /**
   * Item access to the single table and its GSIs, plus TABLE_NAME. No Scan (request paths must not scan)
   * and no stream or control-plane actions.
   */
  bindTable(table: ITable, mode: 'read' | 'readwrite'): this {
    const read = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
    const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    const indexes = Object.keys(GSIS).map((name) => `${table.tableArn}/index/${name}`);
    this.contextRole.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexes }),
    );
    this.contextRole.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: mode === 'read' ? read : [...read, ...write], resources: [table.tableArn] }),
    );
    this.addEnvironment(ENV.tableName, table.tableName);
    return this;
  }

  /**
   * Enqueueing emails without any right to send them: the outbox sealing key (to seal codes into outbox
   * items), OUTBOX_SEAL_KEY_SECRET_ARN and REVIEW_TEAM_EMAIL. Table writes come from `table:write`.
   */
  bindOutbox(mail: MailSender): this {
    mail.sealKey.grantRead(this.contextRole.role);
    this.addEnvironment(ENV.reviewTeamEmail, mail.reviewTeamEmail);
    this.addEnvironment(ENV.sealKeySecretArn, mail.sealKey.secretArn);
    return this;
  }

  /**
   * SES sending through the stage's identity and configuration set (the outbox consumer and sweeper), plus
   * everything `bindOutbox` gives, MAIL_FROM and SES_CONFIGURATION_SET.
   */
  bindMail(mail: MailSender): this {
    this.contextRole.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [mail.identityArn, mail.configurationSetArn],
      }),
    );
    this.bindOutbox(mail);
    this.addEnvironment(ENV.mailFrom, mail.fromAddress);
    this.addEnvironment(ENV.sesConfigurationSet, mail.configurationSetName);
    return this;
  }

  /**
   * Object reads and writes in the file bucket (the function signs presigned URLs with its own role), plus
   * BUCKET_NAME. No List, no Delete, no bucket-level actions.
   */
  bindFiles(bucket: IBucket): this {
    // One policy per context role, created in the bucket's stack (so the grant and its acknowledgement name the
    // bucket directly, not a nested-stack parameter) and holding nothing else: the object wildcard is
    // acknowledged there and nowhere else.
    const home = Stack.of(bucket);
    const id = `FileObjects${pascalCase(this.contextRole.role.node.path)}`;
    if (!home.node.tryFindChild(id)) {
      const policy = new iam.Policy(home, id, {
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [bucket.arnForObjects('*')] })],
      });
      policy.attachToRole(this.contextRole.role);
      const logicalId = home.resolve(home.getLogicalId(bucket.node.defaultChild as CfnElement)) as string;
      acknowledge(
        policy,
        `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/*]`,
        "Object-level access to the portal's own private file bucket: object keys are built server-side from the caller's org and ticket ids (never from request input), and clients only ever get short-lived presigned URLs for one key. No list, delete or bucket-level action is granted.",
      );
    }
    this.addEnvironment(ENV.bucketName, bucket.bucketName);
    return this;
  }

  /** The cursor-signing key (read at cold start, never in the configuration) and CURSOR_SECRET_ARN. */
  bindCursorKey(secret: ISecret): this {
    secret.grantRead(this.contextRole.role);
    this.addEnvironment(ENV.cursorSecretArn, secret.secretArn);
    return this;
  }

  /**
   * The Cognito admin actions the API needs to manage accounts after its own checks (create, set password,
   * disable/enable, update attributes, global sign-out, read, add to group), plus USER_POOL_ID,
   * USER_POOL_CLIENT_ID and STAFF_GROUP.
   */
  bindUserPool(users: UserDirectory): this {
    this.contextRole.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminSetUserPassword',
          'cognito-idp:AdminDisableUser',
          'cognito-idp:AdminEnableUser',
          'cognito-idp:AdminUpdateUserAttributes',
          'cognito-idp:AdminUserGlobalSignOut',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminAddUserToGroup',
        ],
        resources: [users.userPoolArn],
      }),
    );
    this.addEnvironment(ENV.userPoolId, users.userPoolId);
    this.addEnvironment(ENV.userPoolClientId, users.userPoolClientId);
    this.addEnvironment(ENV.staffGroup, users.staffGroup);
    return this;
  }

  /**
   * Starting review executions and completing their waiting tasks, plus REVIEW_STATE_MACHINE_ARN. Both actions
   * are scoped to the one state machine (SendTaskSuccess on the machine's ARN, as CDK's grantTaskResponse
   * does); no SendTaskFailure or heartbeat: nothing fails or extends a review's task from outside.
   */
  bindWorkflow(workflow: WorkflowResource): this {
    this.contextRole.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution', 'states:SendTaskSuccess'], resources: [workflow.stateMachineArn] }),
    );
    this.addEnvironment(ENV.reviewStateMachineArn, workflow.stateMachineArn);
    return this;
  }

  /** Applies every `uses` entry of a spec (`table:write` implies `table:read`); unknown resources fail synthesis. */
  bindUses(uses: readonly ResourceUse[], resources: PortalResources): this {
    const set = new Set(uses);
    if (set.has('table:write')) this.bindTable(resources.table, 'readwrite');
    else if (set.has('table:read')) this.bindTable(resources.table, 'read');
    if (set.has('mail')) this.bindMail(resources.mail);
    else if (set.has('outbox')) this.bindOutbox(resources.mail);
    if (set.has('users')) this.bindUserPool(resources.users);
    if (set.has('files')) this.bindFiles(resources.bucket);
    if (set.has('workflow') && resources.workflow) this.bindWorkflow(resources.workflow);
    for (const use of [...(resources.workflow ? [] : ['workflow' as const])] as const) {
      if (set.has(use)) {
        throw new Error(
          `${this.node.path} (${this.handlerPath}) uses '${use}', but no construct provides it yet: add the resource and its bind helper in infra/constructs before deploying this function`,
        );
      }
    }
    return this;
  }
}

/** The `uses` of a route: its declared ones, plus `table:read` on non-public routes (the principal load). */
export function routeUses(route: {
  readonly auth: { readonly kind: string };
  readonly lambda?: { readonly uses?: readonly ResourceUse[] };
}): ResourceUse[] {
  const uses = [...(route.lambda?.uses ?? [])];
  if (route.auth.kind !== 'public' && !uses.includes('table:read')) uses.push('table:read');
  return uses;
}
