import { dynamoClient } from '#shared/adapters/dynamodb/client.ts';

/**
 * Counts the DynamoDB commands this process sends (all handlers in a test worker share one client), by
 * command name, so a test can assert how many round trips one request made.
 */
const counts: string[] = [];
let installed = false;

function install() {
  if (installed) return;
  installed = true;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      counts.push(String((context as { commandName?: string }).commandName ?? 'unknown'));
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
