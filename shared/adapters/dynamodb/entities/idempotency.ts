import { Entity } from 'dynamodb-toolbox/entity';
import { item } from 'dynamodb-toolbox/schema/item';
import { string } from 'dynamodb-toolbox/schema/string';
import { number } from 'dynamodb-toolbox/schema/number';
import { any } from 'dynamodb-toolbox/schema/any';
import { keys } from '../keys.ts';
import { PortalTable } from '../table.ts';

/** IDEMPOTENCY#<scope>#<key> / IDEMPOTENCY: the stored response of a completed idempotent request (24 h). */
export const IdempotencyEntity = new Entity({
  name: 'Idempotency',
  table: PortalTable,
  timestamps: false,
  schema: item({
    scope: string().key(),
    key: string().key(),
    fingerprint: string(),
    status: number(),
    body: any(),
    createdAt: string(),
    ttl: number(),
  }),
  computeKey: ({ scope, key }) => keys.idempotency(scope, key),
});
