import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { containsCardNumber } from '#shared/domain/billing/cards.ts';

/**
 * Keys whose values never reach a log line, at any depth. Codes, passwords, tokens and card data are
 * not logged by our code in the first place; this is the net under it.
 */
const SECRET_KEYS = new Set([
  'password',
  'newpassword',
  'previouspassword',
  'proposedpassword',
  'code',
  'verificationcode',
  'token',
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'authorization',
  'cookie',
  'cardnumber',
  'pan',
  'cvc',
  'cvv',
  'sealed',
  'secret',
]);

export const REDACTED = '[redacted]';

/**
 * The replacer runs for every key of every line, and lines repeat the same few keys: the verdict per key is
 * remembered (bounded, since keys can come from a request).
 */
const keyVerdicts = new Map<string, boolean>();
const MAX_REMEMBERED_KEYS = 1024;

function isSecretKey(key: string): boolean {
  let secret = keyVerdicts.get(key);
  if (secret === undefined) {
    secret = SECRET_KEYS.has(key.toLowerCase());
    if (keyVerdicts.size < MAX_REMEMBERED_KEYS) keyVerdicts.set(key, secret);
  }
  return secret;
}

/**
 * 13 digits in a row (spaces or dashes allowed between them): a string without such a run cannot hold a card
 * number, so the full scan (every candidate, Luhn) only runs on the rare string that has one.
 */
const THIRTEEN_DIGITS = /\d(?:[ -]?\d){12}/;
/**
 * A value that is exactly a UUID (request ids, idempotency keys) is an id: its dash-separated digit groups can
 * pass Luhn (`…-8920-4060-9834-210b…`), which would mask the request id of one line in a few dozen.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function redactingReplacer(key: string, value: unknown): unknown {
  if (key && isSecretKey(key)) return REDACTED;
  // Card numbers under any key (a message, an echoed field): masked wherever they appear (BI-3).
  if (typeof value === 'string' && value.length >= 13 && THIRTEEN_DIGITS.test(value) && !UUID.test(value) && containsCardNumber(value)) return REDACTED;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** The keys every log line of a request carries. */
export type RequestLogKeys = { requestId: string; operationId: string };

/**
 * When the runtime runs invocations concurrently in one environment (AWS_LAMBDA_MAX_CONCURRENCY), Powertools keeps
 * per-invocation keys in its invocation store; the runtime sets the variable before any code loads.
 */
const CONCURRENT_INVOCATIONS = (process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '').trim() !== '';

/**
 * The Powertools logger with a cheap per-request context. `appendKeys`/`removeKeys` go through the attribute
 * store, which reads the environment several times and deep-merges on every call; the request keys are kept
 * in one field instead and put in front of each line's own attributes, so a line reads exactly as with
 * `appendKeys` (the request keys first, then the call's; a key given by the call wins).
 */
class PortalLogger extends Logger {
  // Plain fields, not #private ones: Powertools logs from its own constructor, before this class's fields exist.
  private requestKeys: RequestLogKeys | undefined;
  /**
   * The level, known without asking Powertools: its `level` reads the environment on every call, and every line
   * (a dropped one too) needs it. After construction the level changes only through `setLogLevel` (sampling and
   * Advanced Logging Controls included), which refreshes this. With concurrent invocations the level can be per
   * invocation: left undefined, so Powertools is asked each time.
   */
  private knownLevel: number | undefined;

  constructor(options: ConstructorParameters<typeof Logger>[0]) {
    super(options);
    this.knownLevel = CONCURRENT_INVOCATIONS ? undefined : super.level;
  }

  override setLogLevel(logLevel: Parameters<Logger['setLogLevel']>[0]): void {
    super.setLogLevel(logLevel);
    this.knownLevel = CONCURRENT_INVOCATIONS ? undefined : super.level;
  }

  /** `requestId` and `operationId` on every line until {@link endRequest}. */
  startRequest(keys: RequestLogKeys): void {
    if (CONCURRENT_INVOCATIONS) this.appendKeys({ requestId: keys.requestId, operationId: keys.operationId });
    else this.requestKeys = keys;
  }

  endRequest(): void {
    if (CONCURRENT_INVOCATIONS) this.removeKeys(['requestId', 'operationId']);
    else this.requestKeys = undefined;
  }

  protected override processLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): void {
    // Below the level a line is dropped (this logger buffers nothing): settle that before Powertools parses the
    // trace id from the environment for it.
    if (logLevel < (this.knownLevel ?? this.level)) return;
    const keys = this.requestKeys;
    if (keys === undefined) super.processLogItem(logLevel, input, extraInput);
    // Ahead of the call's own attributes, where appended keys go: same order, and a key the call gives wins.
    // (Powertools walks the extra inputs one by one, whatever their mix; its type lists the forms callers use.)
    else if (typeof input === 'string') super.processLogItem(logLevel, input, [keys, ...extraInput] as LogItemExtraInput);
    else super.processLogItem(logLevel, { ...keys, ...input }, extraInput);
  }
}

/** One logger per process, JSON lines; `requestId` and `operationId` are set per request (`startRequest`). */
export const logger = new PortalLogger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'support-portal',
  jsonReplacerFn: redactingReplacer,
});
