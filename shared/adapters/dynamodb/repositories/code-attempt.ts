import { Expr, type Key, isConditionFailure, strip, updateItem } from '../commands.ts';

/**
 * One guess at a pending code (P21 a sign-up's, P25 an email change's): the attempt is counted and the item's
 * checks made in ONE conditional UpdateItem, so however many guesses run in parallel, at most `max` are ever
 * evaluated. Returns the pending item as it is after the count, or undefined when it is missing, expired or out
 * of attempts (the caller then compares the code with the returned hash).
 */
export async function countCodeAttempt<T>(key: Key, now: Date, max: number): Promise<T | undefined> {
  const x = new Expr().add('attempts', 1).exists('pk');
  x.when(`${x.name('attempts')} < ${x.value(max)}`).when(`${x.name('codeExpiresAt')} > ${x.value(now.toISOString())}`);
  try {
    const item = await updateItem(key, x, true);
    return item ? strip<T>(item) : undefined;
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}
