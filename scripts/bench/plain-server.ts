import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';

/**
 * The end-to-end baseline (scripts/bench/e2e.ts): a plain node:http server making the same DynamoDB calls as
 * the measured routes, with the same client and nothing else (no JWT check, no middleware, no validation):
 * - GET /me: the principal Query (P1) of the caller;
 * - POST /account/addresses: the P1 Query, then one transaction putting the address and the idempotency record.
 */
const table = process.env.TABLE_NAME as string;
const userId = process.env.BENCH_USER_ID as string;
const orgId = process.env.BENCH_ORG_ID as string;
const db = documentClient();
const p1 = () =>
  db.send(new QueryCommand({ TableName: table, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':pk': keys.userPartition(userId) }, ConsistentRead: true }));

const server = createServer(async (req, res) => {
  try {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'GET') {
      const { Items = [] } = await p1();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: Items.length }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    await p1();
    const addressId = `adr_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const now = new Date().toISOString();
    const item = { ...body, addressId, orgId, createdAt: now };
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { ...keys.address(orgId, addressId), _et: 'Address', ...item }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: table,
              Item: { ...keys.idempotency(`bench#${userId}`, String(req.headers['idempotency-key'])), _et: 'Idempotency', status: 201, response: item, ttl: Math.floor(Date.now() / 1000) + 86_400 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(item));
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
});
server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
process.on('message', () => server.close(() => process.exit(0)));
