import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate';
import { type ExecuteTransactWriteInput, execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { $add, UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update';
import type { Sealer } from '#shared/domain/email/ports.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { EmailChangeStore } from '#shared/domain/onboarding/email-change.ts';
import type { Locale } from '#shared/domain/shared/vocabulary.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { UserEntity } from '../entities/identity.ts';
import { EmailChangeEntity, EmailClaimEntity } from '../entities/onboarding.ts';
import { cancellationReasons } from '../idempotent-write.ts';
import { table } from '../table.ts';
import { sendTransaction } from './onboarding.ts';
import { outboxPut } from './outbox.ts';

const epoch = (d: string | Date) => Math.floor(new Date(d).getTime() / 1000);

/** P25 email change, requesting side: USER#<id> / EMAIL_CHANGE written with the code email and counters. */
export function emailChangeRequests(deps: { sealer: Sealer; ids: Ids; clock: Clock }): Pick<EmailChangeStore, 'begin'> {
  return {
    async begin(change, mail, limits) {
      // The same counted, rate-limited send transaction as signup codes.
      await sendTransaction(limits, [
        EmailChangeEntity.build(PutTransaction).item({ ...change, ttl: epoch(new Date()) + 3600 }),
        outboxPut(mail, deps),
      ] as unknown as ExecuteTransactWriteInput);
    },
  };
}

/** P25 email change, confirming side: one attempt (atomic), then one transaction moving the claim (P23's items). */
export const emailChangeConfirmations: Pick<EmailChangeStore, 'registerAttempt' | 'complete'> = {
    async registerAttempt(userId, now, max) {
      table();
      try {
        const { Attributes } = await EmailChangeEntity.build(UpdateItemCommand)
          .item({ userId, attempts: $add(1) })
          .options({
            condition: { and: [{ attr: 'userId', exists: true }, { attr: 'attempts', lt: max }, { attr: 'codeExpiresAt', gt: now.toISOString() }] },
            returnValues: 'ALL_NEW',
          })
          .send();
        return Attributes ? { ...Attributes } : undefined;
      } catch (e) {
        if ((e as Error).name === 'ConditionalCheckFailedException') return undefined;
        throw e;
      }
    },

    async complete({ userId, oldEmail, newEmail, codeId, name, locale, emailDomain, freeMail, now }) {
      table();
      try {
        await execute(
          EmailClaimEntity.build(PutTransaction)
            .item({ email: newEmail, userId, name, locale: locale as Locale })
            .options({ condition: { attr: 'email', exists: false } }),
          EmailClaimEntity.build(DeleteTransaction).key({ email: oldEmail }),
          UserEntity.build(UpdateTransaction)
            .item({ userId, email: newEmail, emailDomain, freeMail, updatedAt: now.toISOString() })
            .options({ condition: { attr: 'userId', exists: true } }),
          EmailChangeEntity.build(DeleteTransaction).key({ userId }).options({ condition: { attr: 'codeId', eq: codeId } }),
        );
      } catch (e) {
        if (cancellationReasons(e)) throw new ConflictError('email_unavailable', 'This address cannot be used for your account. Choose another one.', 'body.code');
        throw e;
      }
    },
};
