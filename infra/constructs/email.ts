import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { OUTBOX_ENTITY } from '#shared/adapters/dynamodb/entities/outbox.ts';
import { TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';
import type { FunctionSpec } from '#shared/contracts/functions.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';
import type { Alarms } from './alarms.ts';
import { type ContextRoles, type MailSender, type PortalResources, PortalFunction, contextOf } from './portal-function.ts';

/** The entity type of outbox items (the runtime entity's name); only their INSERTs reach the consumer. */
export const OUTBOX_ENTITY_TYPE = OUTBOX_ENTITY;

export interface EmailProps {
  readonly config: StageConfig;
}

export interface OutboxConsumerProps {
  /** The `backgroundFunctions` entry with trigger `table-stream`. */
  readonly spec: FunctionSpec;
  readonly resources: PortalResources;
  readonly roles: ContextRoles;
  readonly alarms: Alarms;
}

/**
 * Outgoing email: the SES domain identity and configuration set, the outbox sealing key, and the outbox
 * consumer. Defaults:
 * - identity: the stage's mail domain with Easy DKIM, using the configuration set by default;
 * - configuration set: TLS required to the receiving server, account-level suppression of bounces and
 *   complaints, reputation metrics;
 * - sealing key: a Secrets Manager secret of 43 random alphanumerics, which decode as base64 to exactly the
 *   32 bytes AES-256-GCM needs (kept on delete in prod: sealed outbox items need it to be read);
 * - consumer: see `addOutboxConsumer`.
 */
export class Email extends Construct implements MailSender {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly sealKey: secretsmanager.Secret;
  readonly identityArn: string;
  readonly configurationSetArn: string;
  readonly configurationSetName: string;
  readonly fromAddress: string;
  readonly reviewTeamEmail: string;
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    const { config } = props;
    this.config = config;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.identity = new ses.EmailIdentity(this, 'DomainIdentity', {
      identity: ses.Identity.domain(config.mail.domain),
      configurationSet: this.configurationSet,
    });
    this.sealKey = new secretsmanager.Secret(this, 'OutboxSealKey', {
      description: `AES-256-GCM key sealing secrets inside outbox items (${config.stage})`,
      generateSecretString: { passwordLength: 43, excludePunctuation: true, includeSpace: false },
      removalPolicy: config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.sealKey,
      'AwsSolutions-SMG4',
      'Not rotated automatically: outbox items sealed with the current key must stay readable until delivered, and the sealer reads a single key. Rotation needs a key ring in the runtime first; the secret never leaves Secrets Manager except to the mail functions.',
    );
    const stack = Stack.of(this);
    this.identityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: config.mail.domain });
    this.configurationSetName = this.configurationSet.configurationSetName;
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
    });
    this.fromAddress = config.mail.fromAddress;
    this.reviewTeamEmail = config.reviewTeamEmail;
  }

  /**
   * The transactional outbox consumer, on the table's stream:
   * - only INSERTs of items whose `_et` is `Outbox` invoke it (an event filter, so other writes cost nothing);
   * - TRIM_HORIZON, batches of 25, partial batch responses (ReportBatchItemFailures), bisect on error,
   *   5 retries, records older than 1 h abandoned: retried messages cannot block the shard for long;
   * - what still fails goes to an SQS on-failure destination (alarm on depth), and the function has an
   *   errors alarm. The email itself stays pending in the table and the sweeper sends it later.
   */
  addOutboxConsumer(props: OutboxConsumerProps): PortalFunction {
    const { spec, resources, roles, alarms } = props;
    if (spec.trigger !== 'table-stream') throw new Error(`${spec.id} is not a table-stream function`);
    const source = `${spec.id} (${spec.handler})`;
    const fn = new PortalFunction(this, 'OutboxConsumer', {
      handler: spec.handler,
      config: this.config,
      role: roles.for(contextOf(spec.handler)),
      memoryMb: spec.memoryMb,
      timeoutSeconds: spec.timeoutSeconds,
      description: spec.description,
    }).bindUses(spec.uses ?? [], resources);
    const failures = alarms.failureQueue(this, 'OutboxConsumerFailures', source);
    fn.addEventSource(
      new DynamoEventSource(resources.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(failures),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { [TABLE_KEYS.entityType]: { S: lambda.FilterRule.isEqual(OUTBOX_ENTITY_TYPE) } } },
          }),
        ],
      }),
    );
    alarms.functionErrors(this, 'OutboxConsumerErrors', fn, source);
    const policy = fn.contextRole.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledge(
        policy,
        'AwsSolutions-IAM5[Resource::*]',
        'dynamodb:ListStreams, which the stream event source mapping needs, supports no resource-level permissions; every other stream action in this policy is scoped to this table\'s stream ARN. test/infra checks that ListStreams and the X-Ray writes are the only Resource "*" statements.',
      );
    }
    acknowledge(
      fn,
      'Serverless-LambdaDLQ',
      'Invoked synchronously by its DynamoDB stream event source mapping, never asynchronously, so a DeadLetterConfig would never receive anything; failed records go to the mapping\'s SQS on-failure destination, which has a depth alarm.',
    );
    return fn;
  }
}
