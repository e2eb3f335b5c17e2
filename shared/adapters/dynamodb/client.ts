import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, optionalEnv } from '#shared/config/env.ts';

/**
 * One client per process (not per invocation). The endpoint is configurable so the local stack and the tests
 * point it at DynamoDB Local; in AWS it is unset. Created on first use, except in Lambda: see the end of the file.
 */
let raw: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBClient {
  raw ??= new DynamoDBClient({
    endpoint: optionalEnv(ENV.dynamodbEndpoint),
    maxAttempts: 3,
  });
  return raw;
}

export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}

/**
 * In a Lambda function granted the table (TABLE_NAME is set with the grant), during init: its first request
 * needs the client (every route loads its principal from the table), and init is where AWS advises creating SDK
 * clients (and where the bench's DynamoDB-only baseline does); deferring it would only move ~5 ms of the cold
 * start into the first invocation. Elsewhere (tests, the local stack) the environment may be set after import,
 * so the client waits for its first use.
 */
if (process.env.AWS_LAMBDA_FUNCTION_NAME && process.env[ENV.tableName]) documentClient();

