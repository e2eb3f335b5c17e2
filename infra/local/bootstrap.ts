/**
 * Idempotent provisioning of the local stand-ins: safe on every `npm start` and against file-backed state
 * from a previous run. Each function finds the resource first and only creates what is missing, so the ids
 * (stream ARN, pool id, client id) stay stable across restarts and tokens or config captured earlier keep
 * pointing at the same things.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GroupExistsException,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateBucketCommand, HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { GSIS, TABLE_KEYS, type GsiName } from '#shared/adapters/dynamodb/table-def.ts';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalServiceTarget {
  endpoint: string;
  region: string;
}

// ---------------------------------------------------------------------------------------------------------
// DynamoDB

export interface EnsureTableOptions extends LocalServiceTarget {
  tableName: string;
}

function gsiDefinitions(): GlobalSecondaryIndex[] {
  return (Object.keys(GSIS) as GsiName[]).map((indexName) => ({
    IndexName: indexName,
    KeySchema: [
      { AttributeName: GSIS[indexName].partitionKey, KeyType: 'HASH' },
      { AttributeName: GSIS[indexName].sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  }));
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

async function waitForActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const table = await describeTable(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((gsi) => gsi.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline) {
      throw new Error(`table ${tableName} is not ACTIVE after 30 s (status ${table?.TableStatus ?? 'missing'})`);
    }
    await sleep(100);
  }
}

/**
 * A table left over from an older layout would make every query fail in confusing ways later; better to
 * stop here and say which piece is missing.
 */
function assertShape(table: TableDescription, tableName: string): void {
  const problems: string[] = [];
  const keyOf = (type: 'HASH' | 'RANGE') => table.KeySchema?.find((k) => k.KeyType === type)?.AttributeName;
  if (keyOf('HASH') !== TABLE_KEYS.partitionKey || keyOf('RANGE') !== TABLE_KEYS.sortKey) {
    problems.push(`primary key is ${keyOf('HASH')}/${keyOf('RANGE')}, expected ${TABLE_KEYS.partitionKey}/${TABLE_KEYS.sortKey}`);
  }
  for (const wanted of gsiDefinitions()) {
    const found = table.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === wanted.IndexName);
    const sameKeys =
      found !== undefined &&
      JSON.stringify(found.KeySchema?.map((k) => [k.AttributeName, k.KeyType])) ===
        JSON.stringify(wanted.KeySchema?.map((k) => [k.AttributeName, k.KeyType]));
    if (!sameKeys || found.Projection?.ProjectionType !== 'ALL') {
      problems.push(`index ${wanted.IndexName} is missing or differs`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `local table ${tableName} exists with a different layout (${problems.join('; ')}): delete the local DynamoDB data directory and restart`,
    );
  }
}

export async function ensureTable(options: EnsureTableOptions): Promise<{ streamArn: string }> {
  const { tableName } = options;
  const client = new DynamoDBClient({ endpoint: options.endpoint, region: options.region, credentials: CREDENTIALS });
  try {
    let table = await describeTable(client, tableName);
    if (table === undefined) {
      try {
        const attributes = [
          TABLE_KEYS.partitionKey,
          TABLE_KEYS.sortKey,
          ...Object.values(GSIS).flatMap((gsi) => [gsi.partitionKey, gsi.sortKey]),
        ];
        await client.send(
          new CreateTableCommand({
            TableName: tableName,
            AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
            KeySchema: [
              { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
              { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
            ],
            GlobalSecondaryIndexes: gsiDefinitions(),
            BillingMode: 'PAY_PER_REQUEST',
            StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
          }),
        );
      } catch (err) {
        // two processes bootstrapping at once (e.g. parallel test runs against one shared instance)
        if (!(err instanceof ResourceInUseException)) throw err;
      }
    }
    table = await waitForActive(client, tableName);
    assertShape(table, tableName);

    const stream = table.StreamSpecification;
    if (!stream?.StreamEnabled || stream.StreamViewType !== 'NEW_AND_OLD_IMAGES' || !table.LatestStreamArn) {
      if (stream?.StreamEnabled) {
        // the view type cannot be changed in place: the stream has to be switched off first
        await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }));
        await waitForActive(client, tableName);
      }
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      );
      table = await waitForActive(client, tableName);
    }

    const ttl = (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
    const ttlOn = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
    if (!ttlOn || ttl?.AttributeName !== TABLE_KEYS.ttl) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE_KEYS.ttl },
        }),
      );
    }

    if (!table.LatestStreamArn) throw new Error(`table ${tableName} has no stream ARN after enabling its stream`);
    return { streamArn: table.LatestStreamArn };
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Cognito

export interface EnsureUserPoolOptions extends LocalServiceTarget {
  poolName: string;
  clientName: string;
  staffGroup: string;
}

export interface UserPoolInfo {
  userPoolId: string;
  clientId: string;
  /**
   * cognito-local builds `iss` from the HOST/PORT it was started with; startCognitoLocal starts it with the
   * same host and port as its endpoint, so `<endpoint>/<poolId>` is exactly the issuer in its tokens.
   */
  issuer: string;
  jwksUri: string;
}

async function findPoolId(client: CognitoIdentityProviderClient, poolName: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: nextToken }));
    const found = page.UserPools?.find((pool) => pool.Name === poolName);
    if (found?.Id) return found.Id;
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

async function findClientId(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientName: string,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: nextToken }));
    const found = page.UserPoolClients?.find((c) => c.ClientName === clientName);
    if (found?.ClientId) return found.ClientId;
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

async function groupExists(client: CognitoIdentityProviderClient, userPoolId: string, groupName: string): Promise<boolean> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60, NextToken: nextToken }));
    if (page.Groups?.some((g) => g.GroupName === groupName)) return true;
    nextToken = page.NextToken;
  } while (nextToken);
  return false;
}

export async function ensureUserPool(options: EnsureUserPoolOptions): Promise<UserPoolInfo> {
  const client = new CognitoIdentityProviderClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: CREDENTIALS,
  });
  try {
    let userPoolId = await findPoolId(client, options.poolName);
    if (userPoolId === undefined) {
      const created = await client.send(
        new CreateUserPoolCommand({
          PoolName: options.poolName,
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: [],
          // NIST 800-63B: length over composition rules
          Policies: {
            PasswordPolicy: {
              MinimumLength: 12,
              RequireUppercase: false,
              RequireLowercase: false,
              RequireNumbers: false,
              RequireSymbols: false,
            },
          },
        }),
      );
      userPoolId = created.UserPool?.Id;
      if (!userPoolId) throw new Error('CreateUserPool returned no pool id');
    }

    let clientId = await findClientId(client, userPoolId, options.clientName);
    if (clientId === undefined) {
      const created = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: options.clientName,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          // cognito-local ignores it; set anyway so the local client mirrors the deployed one
          PreventUserExistenceErrors: 'ENABLED',
        }),
      );
      clientId = created.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('CreateUserPoolClient returned no client id');
    }

    if (!(await groupExists(client, userPoolId, options.staffGroup))) {
      try {
        await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: options.staffGroup }));
      } catch (err) {
        if (!(err instanceof GroupExistsException)) throw err;
      }
    }

    const issuer = `${options.endpoint.replace(/\/+$/, '')}/${userPoolId}`;
    return { userPoolId, clientId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// S3

export interface EnsureBucketOptions extends LocalServiceTarget {
  bucket: string;
}

export async function ensureBucket(options: EnsureBucketOptions): Promise<void> {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    credentials: CREDENTIALS,
    forcePathStyle: true,
  });
  try {
    try {
      await client.send(new HeadBucketCommand({ Bucket: options.bucket }));
      return;
    } catch (err) {
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
      if (status !== 404) throw err;
    }
    try {
      await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
    }
  } finally {
    client.destroy();
  }
}
