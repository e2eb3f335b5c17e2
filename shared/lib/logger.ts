import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
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

/** Levels as Powertools and Lambda's Advanced Logging Controls name them, with Powertools' numbers. */
const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevelName = keyof typeof LEVELS;

function levelFromEnv(): LogLevelName {
  // Lambda's Advanced Logging Controls drop lines below their level anyway: theirs wins (the stack sets both alike).
  for (const name of [process.env.AWS_LAMBDA_LOG_LEVEL, process.env.POWERTOOLS_LOG_LEVEL, process.env.LOG_LEVEL]) {
    const level = name?.trim().toUpperCase();
    if (level && level in LEVELS) return level as LogLevelName;
  }
  return 'INFO';
}

/** The X-Ray trace id of the current invocation (the runtime sets the variable per invocation). */
function traceId(): string | undefined {
  const header = process.env._X_AMZN_TRACE_ID;
  if (!header) return undefined;
  const root = header.split(';', 1)[0] ?? '';
  return root.startsWith('Root=') ? root.slice(5) : undefined;
}

/** `file:line` of the frame that created the error. */
function location(stack: string | undefined): string {
  const frame = stack?.split('\n').find((l) => l.trimStart().startsWith('at '));
  const m = frame?.match(/\(?([^\s()]+):(\d+):\d+\)?$/);
  return m ? `${m[1]}:${m[2]}` : '';
}

function formatError(e: Error): Record<string, unknown> {
  return {
    name: e.name,
    location: location(e.stack),
    message: e.message,
    stack: e.stack,
    ...(e.cause !== undefined ? { cause: e.cause instanceof Error ? formatError(e.cause) : e.cause } : {}),
  };
}

type Attributes = Record<string, unknown>;

/**
 * When the runtime runs invocations concurrently in one environment (AWS_LAMBDA_MAX_CONCURRENCY, set before any code
 * loads), each invocation's keys live in its own async context; otherwise one field is enough, and cheaper.
 */
const CONCURRENT_INVOCATIONS = (process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '').trim() !== '';

/**
 * Structured JSON logs, one object per line, in Powertools' format (`level`, `message`, `timestamp`, `service`,
 * `xray_trace_id`, then the request keys and the line's own attributes; errors as `name`, `location`, `message`,
 * `stack`, `cause`), without Powertools itself: the logger is in every handler, and Powertools' ~21 KB (with its
 * commons and Node's console module) was a fifth of what a handler adds over the DynamoDB client alone at cold
 * start, for features this project does not use (sampling, buffering, Lambda context injection).
 * Lines go through a `Console` of its own, bound to the process streams, as Powertools does: Lambda's patched
 * global console would prefix them.
 */
class PortalLogger {
  private readonly service: string;
  /** Tests capture lines by spying on these methods (test/support/logs.ts). */
  readonly console = new Console({ stdout: process.stdout, stderr: process.stderr });
  private levelName: LogLevelName = levelFromEnv();
  private threshold: number = LEVELS[this.levelName];
  private requestKeys: RequestLogKeys | undefined;
  private readonly perInvocation = CONCURRENT_INVOCATIONS ? new AsyncLocalStorage<RequestLogKeys | undefined>() : undefined;

  constructor(options: { serviceName: string }) {
    this.service = options.serviceName;
  }

  get level(): number {
    return this.threshold;
  }

  getLevelName(): LogLevelName {
    return this.levelName;
  }

  setLogLevel(name: LogLevelName | Lowercase<LogLevelName>): void {
    const level = name.toUpperCase() as LogLevelName;
    if (!(level in LEVELS)) throw new Error(`unknown log level ${name}`);
    this.levelName = level;
    this.threshold = LEVELS[level];
  }

  /** `requestId` and `operationId` on every line until {@link endRequest}. */
  startRequest(keys: RequestLogKeys): void {
    if (this.perInvocation) this.perInvocation.enterWith(keys);
    else this.requestKeys = keys;
  }

  endRequest(): void {
    if (this.perInvocation) this.perInvocation.enterWith(undefined);
    else this.requestKeys = undefined;
  }

  debug(message: string | (Attributes & { message: string }), attributes?: Attributes | Error): void {
    if (this.threshold <= LEVELS.DEBUG) this.write('DEBUG', message, attributes);
  }

  info(message: string | (Attributes & { message: string }), attributes?: Attributes | Error): void {
    if (this.threshold <= LEVELS.INFO) this.write('INFO', message, attributes);
  }

  warn(message: string | (Attributes & { message: string }), attributes?: Attributes | Error): void {
    if (this.threshold <= LEVELS.WARN) this.write('WARN', message, attributes);
  }

  error(message: string | (Attributes & { message: string }), attributes?: Attributes | Error): void {
    if (this.threshold <= LEVELS.ERROR) this.write('ERROR', message, attributes);
  }

  private write(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', message: string | (Attributes & { message: string }), attributes: Attributes | Error | undefined): void {
    const own = typeof message === 'string' ? undefined : message;
    const extra = attributes instanceof Error ? { error: attributes } : attributes;
    const trace = traceId();
    // Key order as Powertools writes it; the line's own attributes win over the request keys.
    const record: Attributes = {
      level,
      message: typeof message === 'string' ? message : message.message,
      timestamp: new Date().toISOString(),
      service: this.service,
      ...(trace ? { xray_trace_id: trace } : {}),
      ...(this.perInvocation ? this.perInvocation.getStore() : this.requestKeys),
      ...own,
      ...extra,
    };
    const line = JSON.stringify(record, replacer());
    if (level === 'ERROR') this.console.error(line);
    else if (level === 'WARN') this.console.warn(line);
    else if (level === 'DEBUG') this.console.debug(line);
    else this.console.info(line);
  }
}

/** Secrets and card numbers redacted, errors formatted, bigints as strings, a circular reference cut. */
function replacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (key, value) => {
    if (value instanceof Error) value = formatError(value);
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return redactingReplacer(key, value);
  };
}

/** One logger per process, JSON lines; `requestId` and `operationId` are set per request (`startRequest`). */
export const logger = new PortalLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'support-portal' });
