import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, optionalEnv } from '#shared/config/env.ts';

/**
 * One client per process, created on first use (not per invocation). The endpoint is configurable so the
 * local stack and the tests point it at DynamoDB Local; in AWS it is unset.
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
