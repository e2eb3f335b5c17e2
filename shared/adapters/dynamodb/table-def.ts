/**
 * The single table's physical shape. Pure constants: the CDK data construct, the local bootstrap and the
 * repositories all read these, so the three cannot drift.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttl: 'ttl',
  entityType: '_et',
} as const;

/** Generic GSIs. Which entity projects what into them is documented in docs/data-model.md. */
export const GSIS = {
  gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

export type GsiName = keyof typeof GSIS;
