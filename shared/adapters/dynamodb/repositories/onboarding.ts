import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import { RateLimitedError } from '#shared/domain/errors.ts';
import type { DomainOwner } from '#shared/domain/identity/model.ts';
import { OWNERS_HINT_FIELD, takeSnapshot } from '#shared/domain/onboarding/domain-owners.ts';
import { domainOf, domainSuffixes } from '#shared/domain/onboarding/email-domains.ts';
import type { PendingSignup, RateLimit, SendCodeStore } from '#shared/domain/onboarding/signup.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { ET, Expr, type TransactItem, batchGet, cancellationReasons, isA, strip, transact, txPut, txUpdate } from '../commands.ts';
import { IDENTITY_ENTITY } from '../entities/identity.ts';
import { type EmailClaim, ONBOARDING_ENTITY, signupItem } from '../entities/onboarding.ts';
import { keys } from '../keys.ts';
import { outboxPut } from './outbox.ts';

const epoch = (iso: string | Date) => Math.floor(new Date(iso).getTime() / 1000);

/** One send counted in a window (upsert): `n + 1`, only while the window is new or below its limit. */
function counter(l: RateLimit): TransactItem {
  const x = new Expr().set({ window: l.key, ttl: epoch(l.expiresAt) }).setIfMissing({ [ET]: ONBOARDING_ENTITY.rateCounter }).add('n', 1);
  const n = x.name('n');
  x.when(`(attribute_not_exists(${n})) OR (${n} < ${x.value(l.limit)})`);
  return txUpdate(keys.rateCounter(l.key), x);
}

/** Runs a send transaction: the counters first, so a cancelled counter means "over the limit" (429). */
export async function sendTransaction(limits: RateLimit[], rest: readonly TransactItem[]) {
  try {
    await transact([...limits.map(counter), ...rest]);
  } catch (e) {
    const reasons = cancellationReasons(e);
    if (reasons && reasons.slice(0, limits.length).some((r) => r.Code === 'ConditionalCheckFailed')) {
      throw new RateLimitedError('too_many_codes', 'Too many codes were requested for this address or from this network. Try again later.');
    }
    throw e;
  }
}

/** Counts sends against their windows only (one transaction of conditional counter updates). */
export async function countSends(limits: RateLimit[]): Promise<void> {
  await sendTransaction(limits, []);
}

/**
 * P20 signup + email claim: one BatchGetItem of EMAIL#<email> and SIGNUP#<email>, and in the same batch P2's
 * keys (DOMAIN#<suffix>/DOMAIN for every suffix of the address's domain), whatever the address: the owners
 * snapshot kept on the pending signup (DomainOwnersSnapshot). Known and unknown addresses read the same keys.
 * P22 rate windows: conditional counter updates RATE#<window> inside the send transaction.
 * (P21, the attempt on a code, is in signup-verify.ts.)
 */
export function dynamoSignupStore(deps: { sealer: Sealer; ids: Ids; clock: Clock }): SendCodeStore {
  const mail = (req: EmailRequest) => outboxPut(req, deps);
  return {
    async lookup(email) {
      const domain = domainOf(email);
      // At most 15 suffixes (an email's domain has at most 16 labels, MAX_EMAIL_DOMAIN_LABELS): one BatchGetItem.
      const suffixes = domainSuffixes(domain);
      const items = await batchGet([keys.emailClaim(email), keys.signup(email), ...suffixes.map((d) => keys.domain(d))]);
      const claim = items.find((i) => isA(i, ONBOARDING_ENTITY.emailClaim)) as EmailClaim | undefined;
      const pending = items.find((i) => isA(i, ONBOARDING_ENTITY.signup));
      const found = items.filter((i) => isA(i, IDENTITY_ENTITY.domain)).map((i) => ({ domain: i.domain as string, owners: i.owners as DomainOwner[] }));
      return {
        account: claim ? { userId: claim.userId, name: claim.name, locale: claim.locale } : undefined,
        pending: pending ? strip<PendingSignup>(pending) : undefined,
        owners: suffixes.length > 0 ? takeSnapshot(domain, found, deps.clock.now()) : undefined,
      };
    },

    async beginSignup(pending, email, limits) {
      await sendTransaction(limits, [txPut(signupItem(pending, epoch(pending.expiresAt))), mail(email)]);
    },

    async notifyExisting(email, limits) {
      await sendTransaction(limits, [mail(email)]);
    },

    async replaceCode(email, code, message, limits) {
      const { codeId, codeHash, codeSalt, codeExpiresAt, domainOwners } = code;
      const update = new Expr()
        .set({ email, codeId, codeHash, codeSalt, codeExpiresAt, attempts: 0, domainOwners })
        .setIfMissing({ [ET]: ONBOARDING_ENTITY.signup })
        .exists('email');
      if (!domainOwners) update.remove(OWNERS_HINT_FIELD);
      await sendTransaction(limits, [txUpdate(keys.signup(email), update), mail(message)]);
    },

    countSends,
  };
}
