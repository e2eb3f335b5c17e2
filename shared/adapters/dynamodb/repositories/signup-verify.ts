import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { $add, UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update';
import { ValidationError } from '#shared/domain/errors.ts';
import type { VerifyStore } from '#shared/domain/onboarding/signup.ts';
import { UserEntity } from '../entities/identity.ts';
import { EmailClaimEntity, SignupEntity } from '../entities/onboarding.ts';
import { cancellationReasons } from '../idempotent-write.ts';
import { table } from '../table.ts';

/**
 * The verification half of the signup store (kept apart so verifySignupCode's bundle carries only these).
 * P12 attempt: one conditional UpdateItem on SIGNUP#<email> returning the item; then one transaction.
 */
export const dynamoVerifyStore: VerifyStore = {
    async registerAttempt(email, now, maxAttempts) {
    table();
    try {
      const { Attributes } = await SignupEntity.build(UpdateItemCommand)
      .item({ email, attempts: $add(1) })
      .options({
        condition: { and: [{ attr: 'email', exists: true }, { attr: 'attempts', lt: maxAttempts }, { attr: 'codeExpiresAt', gt: now.toISOString() }] },
        returnValues: 'ALL_NEW',
      })
      .send();
      return Attributes ? { ...Attributes } : undefined;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw e;
    }
    },

  async completeSignup(profile, codeId) {
    table();
    try {
      await execute(
      UserEntity.build(PutTransaction).item(profile).options({ condition: { attr: 'userId', exists: false } }),
      EmailClaimEntity.build(PutTransaction)
        .item({ email: profile.email, userId: profile.userId, name: profile.name, locale: profile.locale })
        .options({ condition: { attr: 'email', exists: false } }),
      SignupEntity.build(DeleteTransaction).key({ email: profile.email }).options({ condition: { attr: 'codeId', eq: codeId } }),
      );
    } catch (e) {
      // A parallel verification of the same code won, or a resend replaced the code meanwhile: single use.
      if (cancellationReasons(e)) throw new ValidationError('invalid_code', 'This code is not valid (wrong, expired or already used). Request a new one.', 'body.code');
      throw e;
    }
    },
};
