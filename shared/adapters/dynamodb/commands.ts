import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, type QueryCommandInput, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '#shared/config/env.ts';
import { documentClient } from './client.ts';
import { TABLE_KEYS } from './table-def.ts';

/**
 * The single table through plain DocumentClient commands: what every repository needs to read, write and map
 * items, and nothing more. No entity layer: an item is its domain object plus its keys (`pk`, `sk`, the GSI keys
 * it projects to) and `_et`, the name of its kind; the functions in entities/ build them. Keeping the entity
 * library out of the handlers takes ~85-100 KB off each bundle, which is most of a handler's cold import over
 * the DynamoDB client alone (docs/data-model.md lists each item's keys).
 */

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };
/** One entry of a TransactWriteItems call (Put, Update, Delete or ConditionCheck), DocumentClient form. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The attribute naming the kind of an item (`User`, `Ticket`, ...), on every item. */
export const ET = TABLE_KEYS.entityType;
/** Keys and bookkeeping: on the stored item, never on a domain object. */
export const STORAGE_ATTRIBUTES: readonly string[] = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', ET, TABLE_KEYS.ttl];

/** Read when a command is built, so tests and the local stack can set it after import. */
export const tableName = () => requireEnv(ENV.tableName);

/** One command through the process's DocumentClient, typed by what the caller reads of the output. */
export const send = <T = Item>(command: object): Promise<T> => (documentClient() as unknown as { send(c: object): Promise<T> }).send(command);

/** A stored item as its domain object: keys and bookkeeping removed (`keep` names storage attributes to leave). */
export function strip<T>(item: Item, keep?: readonly string[]): T {
  const out: Item = { ...item };
  for (const a of STORAGE_ATTRIBUTES) if (!keep?.includes(a)) delete out[a];
  return out as T;
}

/** `_et` equal to `type`: the item is of that kind. */
export const isA = (item: Item, type: string) => item[ET] === type;

export async function getItem(key: Key, consistent = true): Promise<Item | undefined> {
  const out = await send<{ Item?: Item }>(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: consistent }));
  return out.Item;
}

/** Up to 100 items by key in one BatchGetItem (strongly consistent); keys the service left unprocessed are read again. */
export async function batchGet(keyList: readonly Key[]): Promise<Item[]> {
  if (keyList.length === 0) return [];
  const TableName = tableName();
  const found: Item[] = [];
  let pending: readonly Key[] = keyList;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 500)));
    const out = await send<{ Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys?: Key[] }> }>(
      new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [...pending], ConsistentRead: true } } }),
    );
    found.push(...(out.Responses?.[TableName] ?? []));
    pending = out.UnprocessedKeys?.[TableName]?.Keys ?? [];
    if (attempt >= 8 && pending.length > 0) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
  }
  return found;
}

export async function query(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ Items: Item[]; LastEvaluatedKey?: Item }> {
  const out = await send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(new QueryCommand({ TableName: tableName(), ...input }));
  return { Items: out.Items ?? [], LastEvaluatedKey: out.LastEvaluatedKey };
}

export async function transact(items: readonly TransactItem[]): Promise<void> {
  await send(new TransactWriteCommand({ TransactItems: [...items] }));
}

export async function putItem(item: Item, condition?: Expr): Promise<void> {
  await send(new PutCommand({ TableName: tableName(), Item: item, ...condition?.params() }));
}

/** An UpdateItem built with `Expr`; `returnNew` asks for the item as it is after the update. */
export async function updateItem(key: Key, expr: Expr, returnNew = false): Promise<Item | undefined> {
  const out = await send<{ Attributes?: Item }>(new UpdateCommand({ TableName: tableName(), Key: key, ...expr.params(), ...(returnNew ? { ReturnValues: 'ALL_NEW' } : {}) }));
  return out.Attributes;
}

/**
 * A page read with one place more for an item that sorts beside the list (settings, a switch, the org): when that
 * item is not stored the place went to one more row, so the page is cut to `limit` and the next one starts after
 * its last row (`keyNames`: the table's key, plus the index's on an index Query).
 */
export function withinLimit(rows: Item[], limit: number, lastKey: Item | undefined, keyNames: readonly string[] = ['pk', 'sk']): { rows: Item[]; lastKey: Item | undefined } {
  if (rows.length <= limit) return { rows, lastKey };
  const last = rows[limit - 1] as Item;
  return { rows: rows.slice(0, limit), lastKey: Object.fromEntries(keyNames.map((n) => [n, last[n]])) };
}

/**
 * One page, newest first, of `sk BETWEEN lo AND hi` in one partition (consistent). With `head`, `hi` is the sort
 * key of an item beside the list (settings, a switch) that sorts after every row ("Settings beside the list",
 * docs/data-model.md): a first page reads it first, in one place more, and returns it; later pages (`after`) start
 * below it. `filter`'s conditions narrow the rows (with a head, they must let it through). Rows are the items
 * `isRow` accepts.
 */
export async function reversePage(
  q: { pk: string; lo: string; hi: string; head?: (it: Item) => boolean; isRow: (it: Item) => boolean; filter?: Expr },
  limit: number,
  after: Item | undefined,
): Promise<{ head?: Item | undefined; rows: Item[]; lastKey: Item | undefined }> {
  const first = q.head !== undefined && after === undefined;
  const f = q.filter?.params();
  const { Items, LastEvaluatedKey } = await query({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
    ...(f?.ConditionExpression ? { FilterExpression: f.ConditionExpression, ExpressionAttributeNames: f.ExpressionAttributeNames } : {}),
    ExpressionAttributeValues: { ':pk': q.pk, ':lo': q.lo, ':hi': q.hi, ...f?.ExpressionAttributeValues },
    ConsistentRead: true,
    ScanIndexForward: false,
    Limit: first ? limit + 1 : limit,
    ...(after ? { ExclusiveStartKey: after } : {}),
  });
  const head = first ? Items.find((it) => q.head?.(it)) : undefined;
  const { rows, lastKey } = withinLimit(Items.filter(q.isRow), limit, LastEvaluatedKey);
  return first ? { head, rows, lastKey } : { rows, lastKey };
}

// ---------------------------------------------------------------------------------------------------------
// Transaction entries

export const txPut = (item: Item, condition?: Expr): TransactItem => ({ Put: { TableName: tableName(), Item: item, ...condition?.params() } });
export const txUpdate = (key: Key, expr: Expr): TransactItem => ({ Update: { TableName: tableName(), Key: key, ...expr.params() } as never });
export const txDelete = (key: Key, condition?: Expr): TransactItem => ({ Delete: { TableName: tableName(), Key: key, ...condition?.params() } });
export const txCheck = (key: Key, condition: Expr): TransactItem => ({ ConditionCheck: { TableName: tableName(), Key: key, ...condition.params() } as never });

// ---------------------------------------------------------------------------------------------------------
// Errors

export interface CancellationReason {
  Code?: string;
  Item?: Item;
}

/** The reasons of a cancelled TransactWriteItems, in the order of its entries; undefined for any other error. */
export function cancellationReasons(e: unknown): CancellationReason[] | undefined {
  const err = e as { name?: string; CancellationReasons?: CancellationReason[] };
  return err?.name === 'TransactionCanceledException' ? (err.CancellationReasons ?? []) : undefined;
}

export const cancellationCodes = (e: unknown) => cancellationReasons(e)?.map((r) => r.Code);
export const isConditionFailure = (e: unknown) => (e as { name?: string })?.name === 'ConditionalCheckFailedException';

// ---------------------------------------------------------------------------------------------------------
// Expressions

/**
 * Builds update and condition expressions with placeholder names and values, so attribute names never clash
 * with DynamoDB's reserved words and values are never spliced into the text:
 *
 *   const x = new Expr().set({ status: 'open', updatedAt: now }).remove('lease').when('attribute_exists(pk)');
 *   x.when(`${x.name('version')} = ${x.value(3)}`);
 *   await updateItem(key, x);
 *
 * `name('a.b')` handles a map path. Clauses of `when` are joined with AND.
 */
export class Expr {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private readonly deletes: string[] = [];
  private readonly conditions: string[] = [];
  private n = 0;
  private v = 0;

  /** `#placeholder` of an attribute name, or of each segment of a dotted map path. */
  name(path: string): string {
    return path
      .split('.')
      .map((segment) => {
        const found = Object.entries(this.names).find(([, s]) => s === segment);
        if (found) return found[0];
        const p = `#n${this.n++}`;
        this.names[p] = segment;
        return p;
      })
      .join('.');
  }

  /** `:placeholder` of a value. */
  value(v: unknown): string {
    const p = `:v${this.v++}`;
    this.values[p] = v;
    return p;
  }

  /** SET each attribute to its value; undefined values are skipped (use `remove` to delete an attribute). */
  set(attrs: Item): this {
    for (const [k, val] of Object.entries(attrs)) if (val !== undefined) this.sets.push(`${this.name(k)} = ${this.value(val)}`);
    return this;
  }

  /** A raw SET clause, e.g. `x.setRaw(`${x.name('n')} = if_not_exists(${x.name('n')}, ${x.value(0)}) + ${x.value(1)}`)`. */
  setRaw(clause: string): this {
    this.sets.push(clause);
    return this;
  }

  /** SET only where the attribute does not exist yet (keys and `_et` of an upsert). */
  setIfMissing(attrs: Item): this {
    for (const [k, val] of Object.entries(attrs)) if (val !== undefined) this.sets.push(`${this.name(k)} = if_not_exists(${this.name(k)}, ${this.value(val)})`);
    return this;
  }

  /** Appends to a list attribute (created when missing). */
  append(attr: string, items: readonly unknown[]): this {
    const a = this.name(attr);
    this.sets.push(`${a} = list_append(if_not_exists(${a}, ${this.value([])}), ${this.value(items)})`);
    return this;
  }

  remove(...attrs: string[]): this {
    for (const a of attrs) this.removes.push(this.name(a));
    return this;
  }

  /** ADD a number (created at 0) or elements to a set. */
  add(attr: string, v: number | Set<unknown>): this {
    this.adds.push(`${this.name(attr)} ${this.value(v)}`);
    return this;
  }

  /** DELETE elements from a set. */
  delete(attr: string, v: Set<unknown>): this {
    this.deletes.push(`${this.name(attr)} ${this.value(v)}`);
    return this;
  }

  /** A condition clause (AND-ed with the others). */
  when(clause: string): this {
    this.conditions.push(clause);
    return this;
  }

  /** Condition: the attribute exists (`exists`) or not. */
  exists(attr: string, exists = true): this {
    return this.when(`${exists ? 'attribute_exists' : 'attribute_not_exists'}(${this.name(attr)})`);
  }

  /** Condition: the attribute equals the value. */
  equals(attr: string, v: unknown): this {
    return this.when(`${this.name(attr)} = ${this.value(v)}`);
  }

  get hasUpdate(): boolean {
    return this.sets.length + this.removes.length + this.adds.length + this.deletes.length > 0;
  }

  /** The command parameters: UpdateExpression (if any clause), ConditionExpression (if any), names and values. */
  params(): {
    UpdateExpression?: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const parts = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
      this.deletes.length ? `DELETE ${this.deletes.join(', ')}` : '',
    ].filter(Boolean);
    return {
      ...(parts.length ? { UpdateExpression: parts.join(' ') } : {}),
      ...(this.conditions.length ? { ConditionExpression: this.conditions.map((c) => (this.conditions.length > 1 ? `(${c})` : c)).join(' AND ') } : {}),
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: { ...this.names } } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}
