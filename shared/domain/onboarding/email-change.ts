import type { EmailRequest } from '#shared/domain/email/ports.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import type { Membership, Principal } from '#shared/domain/identity/model.ts';
import type { IdentityProvider } from '#shared/domain/identity/ports.ts';
import type { Clock } from '#shared/lib/ids.ts';
import { CODE_TTL_MS, MAX_CODE_ATTEMPTS, burnCodeCheckTime, codeMatches, generateCode, hashCode, newSalt } from './codes.ts';
import { type EmailDomainClassifier, domainOf } from './email-domains.ts';
import { type RateLimit, sendLimits } from './signup.ts';

/** A requested email change, waiting for the code sent to the new address. */
export interface PendingEmailChange {
  userId: string;
  newEmail: string;
  codeId: string;
  codeHash: string;
  codeSalt: string;
  codeExpiresAt: string;
  attempts: number;
}

export interface EmailChangeStore {
  /** Records the change (replacing any earlier one) and emails the code to the new address; counts the send. */
  begin(change: PendingEmailChange, mail: EmailRequest, limits: RateLimit[]): Promise<void>;
  /** Atomically takes one attempt (fewer than max, before expiry); the change, or undefined. */
  registerAttempt(userId: string, now: Date, max: number): Promise<PendingEmailChange | undefined>;
  /**
   * Moves the account to the new address in one transaction: new claim (fails if taken), old claim removed,
   * profile email and domain class updated, change consumed (single use), and the address's copies on the
   * account's `memberships` (the principal's, as of its `membershipsVersion`) updated.
   */
  complete(input: {
    userId: string;
    oldEmail: string;
    newEmail: string;
    codeId: string;
    name: string;
    locale: string;
    emailDomain: string;
    freeMail: boolean;
    now: Date;
    memberships: readonly Pick<Membership, 'orgId'>[];
    membershipsVersion: number | undefined;
  }): Promise<void>;
}

export interface RequestEmailChangeDeps {
  store: Pick<EmailChangeStore, 'begin'>;
  clock: Clock;
  ids: { next(prefix: string): string };
}

export interface ConfirmEmailChangeDeps {
  store: Pick<EmailChangeStore, 'registerAttempt' | 'complete'>;
  identity: IdentityProvider;
  classifier: EmailDomainClassifier;
  clock: Clock;
}

/**
 * ON-7: a new address counts (for sign-in and org matching) only once proven with a code sent to it. Until
 * then the old address stays in force. The answer does not say whether the new address is used elsewhere.
 */
export async function requestEmailChange(p: Principal, newEmail: string, sourceIp: string, deps: RequestEmailChangeDeps) {
  if (newEmail === p.email) throw new ValidationError('same_email', 'This is already your email address.', 'body.newEmail');
  const now = deps.clock.now();
  const code = generateCode();
  const codeSalt = newSalt();
  const change: PendingEmailChange = {
    userId: p.userId,
    newEmail,
    codeId: deps.ids.next('code'),
    codeHash: await hashCode(code, codeSalt),
    codeSalt,
    codeExpiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
    attempts: 0,
  };
  await deps.store.begin(
    change,
    { template: 'signup_code', locale: p.locale, to: newEmail, data: { name: p.name, expiresInMinutes: CODE_TTL_MS / 60000 }, secret: { code } },
    sendLimits(newEmail, sourceIp, now),
  );
  return { status: 'verification_pending' as const, message: 'We sent a 6-digit code to the new address. It is valid for 10 minutes.' };
}

export async function confirmEmailChange(p: Principal, code: string, deps: ConfirmEmailChangeDeps) {
  const now = deps.clock.now();
  const change = await deps.store.registerAttempt(p.userId, now, MAX_CODE_ATTEMPTS);
  const invalid = () => new ValidationError('invalid_code', 'This code is not valid (wrong, expired or already used). Request a new one.', 'body.code');
  if (!change) {
    await burnCodeCheckTime(code);
    throw invalid();
  }
  if (!(await codeMatches(code, change.codeSalt, change.codeHash))) throw invalid();
  const emailDomain = domainOf(change.newEmail);
  const freeMail = (await deps.classifier.classify(emailDomain)) !== 'business';
  await deps.identity.changeEmail(p.email, change.newEmail);
  try {
    await deps.store.complete({
      userId: p.userId,
      oldEmail: p.email,
      newEmail: change.newEmail,
      codeId: change.codeId,
      name: p.name,
      locale: p.locale,
      emailDomain,
      freeMail,
      now,
      memberships: p.memberships,
      membershipsVersion: p.profile.membershipsVersion,
    });
  } catch (e) {
    // The address was taken meanwhile (or the code was used twice): put Cognito back as it was.
    await deps.identity.changeEmail(change.newEmail, p.email);
    throw e;
  }
  return { status: 'email_changed' as const, email: change.newEmail };
}
