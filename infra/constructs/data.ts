import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { GSIS, TABLE_KEYS } from '#shared/adapters/dynamodb/table-def.ts';

/**
 * The single table, built from the same key constants as the runtime and the local bootstrap:
 * - `pk`/`sk` strings, GSIs `gsi1` and `gsi2` (string keys, projection ALL), TTL on `ttl`;
 * - on-demand billing; stream NEW_AND_OLD_IMAGES (the transactional outbox is read from it);
 * - point-in-time recovery, deletion protection, RemovalPolicy.RETAIN: losing this table loses the business.
 *
 * A `Table` rather than a `TableV2` (global table): the portal is single-region, and `Table` maps 1:1 to
 * what DynamoDB Local and the tests exercise.
 */
export class Data extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const str = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: str(TABLE_KEYS.partitionKey),
      sortKey: str(TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_KEYS.ttl,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, keys] of Object.entries(GSIS)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: str(keys.partitionKey),
        sortKey: str(keys.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
