import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';
import type { FunctionSpec } from '#shared/contracts/functions.ts';
import { DESK_ENTITY } from '#shared/adapters/dynamodb/entities/desk.ts';
import { SHIPPED_STATUS } from '#shared/domain/account/devices.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { acknowledge } from '#infra/nag.ts';
import type { Alarms } from './alarms.ts';
import { ContextRole, type PortalResources, PortalFunction } from './portal-function.ts';

/** The id of the device projection in the background function registry. */
export const DEVICE_PROJECTION_ID = 'accountProjectShippedDevices';

export interface DeviceProjectionProps {
  readonly config: StageConfig;
  /** The `backgroundFunctions` entry with trigger `table-stream`. */
  readonly spec: FunctionSpec;
  readonly resources: PortalResources;
  readonly alarms: Alarms;
}

/**
 * The account page's device projection (AC-5) on the table's stream, wired like the outbox consumer:
 * - only MODIFY records of ticket items whose new image is Ready to bill invoke it (an event filter: other
 *   writes cost nothing);
 * - TRIM_HORIZON, batches of 25, partial batch responses, bisect on error, 5 retries, records older than
 *   a day abandoned;
 * - what still fails goes to an SQS on-failure destination (alarm on depth), and the function has an
 *   errors alarm;
 * - its own execution role (not the account API functions' one): only it reads the stream.
 */
export class DeviceProjection extends Construct {
  readonly fn: PortalFunction;

  constructor(scope: Construct, id: string, props: DeviceProjectionProps) {
    super(scope, id);
    const { spec, resources, alarms, config } = props;
    if (spec.trigger !== 'table-stream') throw new Error(`${spec.id} is not a table-stream function`);
    const source = `${spec.id} (${spec.handler})`;
    const role = new ContextRole(this, 'Role', { context: 'account-projection' });
    this.fn = new PortalFunction(this, 'Function', {
      handler: spec.handler,
      config,
      role,
      memoryMb: spec.memoryMb,
      timeoutSeconds: spec.timeoutSeconds,
      description: spec.description,
    }).bindUses(spec.uses ?? [], resources);
    const failures = alarms.failureQueue(this, 'Failures', source);
    this.fn.addEventSource(
      new DynamoEventSource(resources.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(failures),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('MODIFY'),
            dynamodb: {
              NewImage: {
                [TABLE_KEYS.entityType]: { S: lambda.FilterRule.isEqual(DESK_ENTITY.ticket) },
                status: { S: lambda.FilterRule.isEqual(SHIPPED_STATUS) },
              },
            },
          }),
        ],
      }),
    );
    alarms.functionErrors(this, 'Errors', this.fn, source);
    const policy = role.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledge(
        policy,
        'AwsSolutions-IAM5[Resource::*]',
        "dynamodb:ListStreams, which the stream event source mapping needs, supports no resource-level permissions; every other stream action in this policy is scoped to this table's stream ARN.",
      );
    }
    acknowledge(
      this.fn,
      'Serverless-LambdaDLQ',
      "Invoked synchronously by its DynamoDB stream event source mapping, never asynchronously, so a DeadLetterConfig would never receive anything; failed records go to the mapping's SQS on-failure destination, which has a depth alarm.",
    );
  }
}
