import { dynamoClient } from '#shared/adapters/dynamodb/client.ts';

/**
 * Counts the DynamoDB commands this process sends (all handlers in a test worker share one client), by
 * command name, so a test can assert how many round trips one request made.
 */
const counts: string[] = [];
/** The partition key each command addressed first (for telling stand-in writes apart), parallel to `counts`. */
const firstKeys: (string | undefined)[] = [];
let installed = false;

function firstPk(input: unknown): string | undefined {
  const i = input as { Key?: { pk?: unknown }; Item?: { pk?: unknown } } | undefined;
  const pk = i?.Key?.pk ?? i?.Item?.pk;
  if (typeof pk === 'string') return pk;
  if (pk && typeof pk === 'object' && typeof (pk as { S?: unknown }).S === 'string') return (pk as { S: string }).S;
  return undefined;
}

function install() {
  if (installed) return;
  installed = true;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      counts.push(String((context as { commandName?: string }).commandName ?? 'unknown'));
      firstKeys.push(firstPk(args.input));
      return next(args);
    },
    { step: 'initialize', name: 'testCallCounter' },
  );
}

/** Runs `fn` and returns the DynamoDB commands it sent (only meaningful when nothing else runs concurrently). */
export async function countDynamoCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  install();
  const start = counts.length;
  const result = await fn();
  return { result, calls: counts.slice(start) };
}

/** Like countDynamoCalls, with the partition key each single-item command addressed (undefined for others). */
export async function recordDynamoCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: { command: string; pk?: string }[] }> {
  install();
  const start = counts.length;
  const result = await fn();
  return { result, calls: counts.slice(start).map((command, i) => ({ command, pk: firstKeys[start + i] })) };
}

/**
 * Runs `body` with `before` called ahead of every `command` (e.g. `TransactWriteItemsCommand`) the client sends
 * meanwhile, with the command's input: a real concurrent write placed between a request's read and its write,
 * or (throwing) a fault no request can cause. `before`'s own commands pass through untouched.
 */
export async function beforeEachDynamoCommand<T>(command: string, before: (input: unknown) => Promise<unknown> | void, body: () => Promise<T>): Promise<T> {
  const name = `testBefore${command}${Math.random().toString(36).slice(2)}`;
  let inside = false;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName === command && !inside) {
        inside = true;
        try {
          await before(args.input);
        } finally {
          inside = false;
        }
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return await body();
  } finally {
    dynamoClient().middlewareStack.remove(name);
  }
}
