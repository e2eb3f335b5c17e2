/**
 * Bundling alias for `node:stream/web` in Lambda bundles only.
 *
 * @middy/core imports `ReadableStream` from it for a single `instanceof` check on streamed responses
 * (`streamifyResponse`), which no function here uses. Importing the module makes Node load its whole web-streams
 * implementation at init: 5-9 ms of every cold start on this machine kind, ~8 % of a DynamoDB-client-only import.
 * This stand-in answers the same check against the global `ReadableStream` (the same class), which Node loads
 * only if the check ever runs. Tests and the local stack run from source with the real module.
 */
export class ReadableStream {
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof globalThis.ReadableStream;
  }
}
