import { createHash } from 'node:crypto';
import type { ChargeResult, PaymentGateway } from '#shared/domain/billing/ports.ts';

/**
 * The local payment provider (BI-3): behaves like a card processor's test mode. Tokens stand for cards
 * tokenized on the client; each documented token has a fixed card and outcome (docs/billing.md):
 *
 * | token | card | charge |
 * |---|---|---|
 * | `tok_visa` | Visa •••• 4242, 12/2034 | succeeds |
 * | `tok_mastercard` | Mastercard •••• 4444, 12/2034 | succeeds |
 * | `tok_amex` | American Express •••• 8431, 12/2034 | succeeds |
 * | `tok_chargeDeclined` | Visa •••• 0002 | `card_declined` |
 * | `tok_chargeDeclinedInsufficientFunds` | Visa •••• 9995 | `insufficient_funds` |
 * | `tok_chargeDeclinedExpiredCard` | Visa •••• 0069 | `expired_card` |
 * | `tok_chargeDeclinedIncorrectNumber` | Visa •••• 0119 | `incorrect_number` |
 * | `tok_avsCheckFail` | Visa •••• 0010 | `address_verification_failed` unless the billing country is US |
 * | `tok_visa_expired` | Visa •••• 4242, 01/2020 | refused when added (expired) |
 *
 * Charges are idempotent by key like a real processor's: the same key returns the first result and never
 * charges again (`charges()` counts the distinct charges, for tests).
 */

interface TestCard {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  outcome: 'success' | 'card_declined' | 'insufficient_funds' | 'expired_card' | 'incorrect_number' | 'avs';
}

export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  tok_visa: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, outcome: 'success' },
  tok_mastercard: { brand: 'mastercard', last4: '4444', expMonth: 12, expYear: 2034, outcome: 'success' },
  tok_amex: { brand: 'amex', last4: '8431', expMonth: 12, expYear: 2034, outcome: 'success' },
  tok_chargeDeclined: { brand: 'visa', last4: '0002', expMonth: 12, expYear: 2034, outcome: 'card_declined' },
  tok_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', expMonth: 12, expYear: 2034, outcome: 'insufficient_funds' },
  tok_chargeDeclinedExpiredCard: { brand: 'visa', last4: '0069', expMonth: 12, expYear: 2034, outcome: 'expired_card' },
  tok_chargeDeclinedIncorrectNumber: { brand: 'visa', last4: '0119', expMonth: 12, expYear: 2034, outcome: 'incorrect_number' },
  tok_avsCheckFail: { brand: 'visa', last4: '0010', expMonth: 12, expYear: 2034, outcome: 'avs' },
  tok_visa_expired: { brand: 'visa', last4: '4242', expMonth: 1, expYear: 2020, outcome: 'success' },
};

const MESSAGES = {
  card_declined: 'The card was declined by its issuer. Use another card or contact your bank.',
  insufficient_funds: 'The card has insufficient funds for this amount. Use another card.',
  expired_card: 'The card has expired. Add a card with a valid expiry date.',
  incorrect_number: 'The card number is incorrect. Add the card again, checking its number.',
  address_verification_failed: 'The billing address could not be verified by the card issuer (address verification is only available for US cards). Use another card.',
} as const;

const ledger = new Map<string, ChargeResult>();

export const testModeGateway: PaymentGateway & { charges(): number } = {
  async describe(token) {
    const card = TEST_CARDS[token];
    if (!card) return undefined;
    return { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear };
  },

  async charge(input) {
    const previous = ledger.get(input.idempotencyKey);
    if (previous) return previous;
    const card = TEST_CARDS[input.token];
    let result: ChargeResult;
    if (!card) result = { ok: false, code: 'card_declined', message: MESSAGES.card_declined };
    else if (card.outcome === 'success' || (card.outcome === 'avs' && input.billingCountry.toUpperCase() === 'US')) {
      result = { ok: true, processorReference: `ch_test_${createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 24)}` };
    } else {
      const code = card.outcome === 'avs' ? 'address_verification_failed' : card.outcome;
      result = { ok: false, code, message: MESSAGES[code] };
    }
    ledger.set(input.idempotencyKey, result);
    return result;
  },

  charges: () => [...ledger.values()].filter((r) => r.ok).length,
};
