import { Table } from 'dynamodb-toolbox/table';
import { ENV, requireEnv } from '#shared/config/env.ts';
import { documentClient } from './client.ts';
import { GSIS, TABLE_KEYS } from './table-def.ts';

/** The dynamodb-toolbox view of the single table; the name is read lazily so tests can set it first. */
export const PortalTable = new Table({
  name: () => requireEnv(ENV.tableName),
  partitionKey: { name: TABLE_KEYS.partitionKey, type: 'string' },
  sortKey: { name: TABLE_KEYS.sortKey, type: 'string' },
  indexes: {
    gsi1: {
      type: 'global',
      partitionKey: { name: GSIS.gsi1.partitionKey, type: 'string' },
      sortKey: { name: GSIS.gsi1.sortKey, type: 'string' },
    },
    gsi2: {
      type: 'global',
      partitionKey: { name: GSIS.gsi2.partitionKey, type: 'string' },
      sortKey: { name: GSIS.gsi2.sortKey, type: 'string' },
    },
  },
  entityAttributeSavedAs: TABLE_KEYS.entityType,
});

/**
 * Binds the document client on first use and returns the table. Entity commands use the table's client, so
 * repositories call this before sending. Lazy: importing must not create an SDK client (tests set env first).
 */
let bound = false;
export function table(): typeof PortalTable {
  if (!bound) {
    PortalTable.documentClient = documentClient();
    bound = true;
  }
  return PortalTable;
}
