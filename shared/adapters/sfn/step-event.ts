/**
 * Checks the Payload a Task state passes to its step function. Hand-written instead of zod: the steps need
 * four string shapes, and zod costs a step bundle ~80 KB. Errors name the field, never its value (one of
 * them is a task token).
 */
export type StepField = 'id' | 'datetime' | 'token';

const VALID: Record<StepField, (v: string) => boolean> = {
  id: (v) => /^[A-Za-z0-9_-]{1,40}$/.test(v),
  datetime: (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  token: (v) => v.length > 0 && v.length <= 4096,
};

export class StepEventError extends Error {
  override name = 'StepEventError';
}

export function stepEvent<const F extends Record<string, StepField>>(event: unknown, fields: F): { [K in keyof F]: string } {
  if (!event || typeof event !== 'object' || Array.isArray(event)) throw new StepEventError('The step event must be an object');
  const e = event as Record<string, unknown>;
  const extra = Object.keys(e).filter((k) => !Object.hasOwn(fields, k));
  if (extra.length > 0) throw new StepEventError(`Unexpected step event field(s): ${extra.join(', ')}`);
  const out: Record<string, string> = {};
  for (const [name, kind] of Object.entries(fields)) {
    const value = e[name];
    if (typeof value !== 'string' || !VALID[kind](value)) throw new StepEventError(`Step event field ${name} is missing or not a valid ${kind}`);
    out[name] = value;
  }
  return out as { [K in keyof F]: string };
}
