import { readFile } from 'node:fs/promises';
import { ENV } from '#shared/config/env.ts';

/**
 * The environment of a handler run against the local stack that `npm start` is serving (endpoints from
 * .local/endpoints.json), for `npm run invoke` and `npm run invoice-batch`. Exits with a clear message when
 * the stack is not running.
 */
export async function useLocalStack(): Promise<any> {
  let endpoints: any;
  try {
    endpoints = JSON.parse(await readFile('.local/endpoints.json', 'utf8'));
  } catch {
    console.error('No .local/endpoints.json: start the local stack first (npm start).');
    process.exit(1);
  }
  const seal = await readFile('.local/seal.key', 'utf8').catch(() => '');
  const cursor = await readFile('.local/cursor.key', 'utf8').catch(() => '');
  Object.assign(process.env, {
    AWS_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [ENV.stage]: 'local',
    [ENV.tableName]: endpoints.dynamodb.table,
    [ENV.dynamodbEndpoint]: endpoints.dynamodb.endpoint,
    [ENV.cognitoEndpoint]: endpoints.cognito.endpoint,
    [ENV.sesEndpoint]: endpoints.mailbox,
    [ENV.s3Endpoint]: endpoints.s3.endpoint,
    [ENV.bucketName]: endpoints.s3.bucket,
    [ENV.userPoolId]: endpoints.cognito.userPoolId,
    [ENV.userPoolClientId]: endpoints.cognito.clientId,
    [ENV.staffGroup]: 'vendor-staff',
    [ENV.mailFrom]: 'Support Portal <no-reply@portal.local>',
    [ENV.sealKey]: seal.trim(),
    [ENV.cursorSecret]: cursor.trim(),
    // Reviews run on the local workflow engine, as under npm start.
    [ENV.localWorkflows]: '1',
  });
  return endpoints;
}
