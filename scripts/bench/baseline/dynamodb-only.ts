import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The cold-import baseline of `npm run bench`: a handler that only creates the DynamoDB client (+ lib-dynamodb)
 * at module scope, as every portal handler does, bundled with the portal's esbuild options.
 */
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { pk?: string }) => {
  const out = await doc.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: event.pk ?? 'BENCH', sk: 'BENCH' } }));
  return { statusCode: 200, body: JSON.stringify(out.Item ?? null) };
};
