import type { Cursors } from '#shared/domain/desk/ports.ts';

/** A cursor codec for unit tests that keeps what it would sign in the clear (the real one signs and checks the scope). */
export const clearCursors: Cursors = {
  encode: async (k, scope) => (k ? JSON.stringify({ k, scope }) : undefined),
  decode: async (c, scope) => {
    if (c === undefined) return undefined;
    const parsed = JSON.parse(c) as { k: Record<string, unknown>; scope: string };
    if (parsed.scope !== scope) throw new Error('scope');
    return parsed.k;
  },
};
