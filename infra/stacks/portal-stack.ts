import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge } from '#infra/nag.ts';
import type { Construct } from 'constructs';
import { type FunctionSpec, backgroundFunctions as allBackgroundFunctions } from '#shared/contracts/functions.ts';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { routes as allRoutes } from '#shared/contracts/routes/index.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { Alarms } from '#infra/constructs/alarms.ts';
import { Api } from '#infra/constructs/api.ts';
import { Data } from '#infra/constructs/data.ts';
import { Email } from '#infra/constructs/email.ts';
import { Files } from '#infra/constructs/files.ts';
import { Identity } from '#infra/constructs/identity.ts';
import { Jobs } from '#infra/constructs/jobs.ts';
import { ContextRoles, type PortalResources } from '#infra/constructs/portal-function.ts';
import { Workflows } from '#infra/constructs/workflows.ts';
import { DEVICE_PROJECTION_ID, DeviceProjection } from '#infra/constructs/device-projection.ts';

export interface PortalStackProps extends Omit<StackProps, 'env'> {
  readonly config: StageConfig;
  /** @default the route table (shared/contracts/routes) */
  readonly routes?: readonly RouteSpec[];
  /** @default shared/contracts/functions.ts */
  readonly backgroundFunctions?: readonly FunctionSpec[];
}

/** The stream consumer each table-stream function is wired as: the outbox, and the account's device projection. */
const STREAM_CONSUMERS = new Set(['outboxDeliver', DEVICE_PROJECTION_ID]);

/**
 * One stage of the portal: Data (table), Email (SES + outbox consumer), Identity (Cognito), Jobs
 * (scheduled functions), Api (HTTP API, routes in one nested stack per context), Alarms (topic).
 * Every function comes from the route table or the background function registry, so adding one there is
 * all it takes to deploy it. Region from the stage config; account from CDK_DEFAULT_ACCOUNT when set,
 * otherwise account-agnostic (synth needs no credentials).
 */
export class PortalStack extends Stack {
  readonly api: Api;
  readonly data: Data;
  readonly identity: Identity;
  readonly email: Email;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    const { config } = props;
    super(scope, id, {
      ...props,
      env: { region: config.region, account: config.account },
      description: props.description ?? `Support portal backend (${config.stage})`,
    });
    const routes = props.routes ?? allRoutes;
    const background = props.backgroundFunctions ?? allBackgroundFunctions;
    const byTrigger = (trigger: FunctionSpec['trigger']) => background.filter((f) => f.trigger === trigger);

    const alarms = new Alarms(this, 'Alarms', { config });
    this.data = new Data(this, 'Data');
    this.email = new Email(this, 'Email', { config });
    this.identity = new Identity(this, 'Identity', {
      config,
      email: this.email,
    });
    const cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: `HMAC key signing pagination cursors (${config.stage})`,
      generateSecretString: { passwordLength: 43, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(
      cursorKey,
      'AwsSolutions-SMG4',
      'Not rotated automatically: rotating only invalidates outstanding pagination cursors (clients restart from page one), so it is done by redeploying a new secret when needed; tenant isolation never depends on this key (every query is keyed on the caller\'s org).',
    );
    const files = new Files(this, 'Files', { config });
    const base: PortalResources = { table: this.data.table, mail: this.email, users: this.identity, cursorKey, bucket: files.bucket };
    const roles = new ContextRoles(this, 'ContextRoles');
    // The review state machine and its step functions; the functions that start or signal it get its ARN.
    const workflowSpecs = byTrigger('workflow');
    const workflows = workflowSpecs.length > 0 ? new Workflows(this, 'Workflows', { config, specs: workflowSpecs, resources: base, roles, alarms }) : undefined;
    const resources: PortalResources = workflows ? { ...base, workflow: workflows } : base;

    for (const spec of byTrigger('table-stream')) {
      if (!STREAM_CONSUMERS.has(spec.id)) {
        throw new Error(`No stream wiring for ${spec.id}: give it an event filter in infra (see Email.addOutboxConsumer)`);
      }
      if (spec.id === DEVICE_PROJECTION_ID) new DeviceProjection(this, 'DeviceProjection', { config, spec, resources, alarms });
      else this.email.addOutboxConsumer({ spec, resources, roles, alarms });
    }
    new Jobs(this, 'Jobs', { config, specs: byTrigger('schedule'), resources, roles, alarms });
    const unsupported = background.filter((f) => f.trigger === 'queue');
    if (unsupported.length > 0) {
      throw new Error(
        `No infra for trigger(s) of ${unsupported.map((f) => `${f.id} (${f.trigger})`).join(', ')} yet: add a construct with its failure destination and alarms`,
      );
    }
    const defaults = byTrigger('api-default');
    if (defaults.length > 1) throw new Error(`Only one api-default function is possible, got ${defaults.map((f) => f.id).join(', ')}`);

    this.api = new Api(this, 'Api', { config, routes, defaultRoute: defaults[0], resources, alarms });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
  }
}
