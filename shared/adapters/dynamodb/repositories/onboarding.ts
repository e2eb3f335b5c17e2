import { BatchGetRequest } from 'dynamodb-toolbox/entity/actions/batchGet';
import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate';
import { type ExecuteTransactWriteInput, execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { $add, UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update';
import { BatchGetCommand, execute as executeBatchGet } from 'dynamodb-toolbox/table/actions/batchGet';
import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import { RateLimitedError, ValidationError } from '#shared/domain/errors.ts';
import type { RateLimit, SendCodeStore } from '#shared/domain/onboarding/signup.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { UserEntity } from '../entities/identity.ts';
import { EmailClaimEntity, RateCounterEntity, SignupEntity } from '../entities/onboarding.ts';
import { cancellationReasons } from '../idempotent-write.ts';
import { table } from '../table.ts';
import { outboxPut } from './outbox.ts';

const epoch = (iso: string | Date) => Math.floor(new Date(iso).getTime() / 1000);

function counters(limits: RateLimit[]) {
  return limits.map((l) =>
    RateCounterEntity.build(UpdateTransaction)
      .item({ window: l.key, n: $add(1), ttl: epoch(l.expiresAt) })
      .options({ condition: { or: [{ attr: 'n', exists: false }, { attr: 'n', lt: l.limit }] } }),
  );
}

/** Runs a send transaction: the counters first, so a cancelled counter means "over the limit" (429). */
export async function sendTransaction(limits: RateLimit[], rest: ExecuteTransactWriteInput) {
  table();
  try {
    await execute(...([...counters(limits), ...rest] as ExecuteTransactWriteInput));
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
  await sendTransaction(limits, [] as unknown as ExecuteTransactWriteInput);
}

/**
 * P11 signup + email claim: one BatchGetItem of SIGNUP#<email> and EMAIL#<email>.
 * P12 attempt: one conditional UpdateItem on SIGNUP#<email> returning the item.
 * P13 rate windows: conditional counter updates RATE#<window> inside the send transaction.
 */
export function dynamoSignupStore(deps: { sealer: Sealer; ids: Ids; clock: Clock }): SendCodeStore {
  const mail = (req: EmailRequest) => outboxPut(req, deps);
  return {
    async lookup(email) {
      const t = table();
      const { Responses } = await executeBatchGet(
        t.build(BatchGetCommand).requests(EmailClaimEntity.build(BatchGetRequest).key({ email }), SignupEntity.build(BatchGetRequest).key({ email })).options({ consistent: true }),
      );
      const [claim, pending] = Responses?.[0] ?? [];
      return {
        account: claim ? { userId: claim.userId, name: claim.name, locale: claim.locale } : undefined,
        pending: pending ? { ...pending } : undefined,
      };
    },

    async beginSignup(pending, email, limits) {
      await sendTransaction(limits, [SignupEntity.build(PutTransaction).item({ ...pending, ttl: epoch(pending.expiresAt) }), mail(email)] as unknown as ExecuteTransactWriteInput);
    },

    async notifyExisting(email, limits) {
      await sendTransaction(limits, [mail(email)] as unknown as ExecuteTransactWriteInput);
    },

    async replaceCode(email, code, message, limits) {
      await sendTransaction(limits, [
        SignupEntity.build(UpdateTransaction).item({ email, ...code, attempts: 0 }).options({ condition: { attr: 'email', exists: true } }),
        mail(message),
      ] as unknown as ExecuteTransactWriteInput);
    },

    countSends,

  };
}
