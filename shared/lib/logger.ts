import { Logger } from '@aws-lambda-powertools/logger';
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

function redactingReplacer(key: string, value: unknown): unknown {
  if (key && SECRET_KEYS.has(key.toLowerCase())) return REDACTED;
  // Card numbers under any key (a message, an echoed field): masked wherever they appear (BI-3).
  if (typeof value === 'string' && value.length >= 13 && containsCardNumber(value)) return REDACTED;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One logger per process, JSON lines; `requestId` and `operationId` are appended per request. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'support-portal',
  jsonReplacerFn: redactingReplacer,
});
