import type { Locale } from '#shared/domain/shared/vocabulary.ts';
import type { TemplateData, TemplateId } from './templates/index.ts';

/** A rendered email, ready for the provider. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our outbox message id, passed to the provider as a tag for tracing. */
  messageId: string;
}

/** Port: hands one email to the provider. Adapters throw `MailerError`. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
}

/**
 * `permanent`: retrying cannot help (the provider rejected the message itself). Otherwise the failure is
 * transient (throttling, provider outage, network) and the message stays pending for a retry.
 */
export class MailerError extends Error {
  override name = 'MailerError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/**
 * What a use case asks to send. It is written to the outbox in the same transaction as the business change.
 * `secret` fields (a verification code) are sealed before they are stored and merged back into `data` only
 * when the email is rendered.
 */
export interface EmailRequestFor<T extends TemplateId> {
  template: T;
  locale: Locale;
  to: string;
  data: Omit<TemplateData[T], 'code'>;
  secret?: Partial<TemplateData[T]>;
}

/** A request for one of the templates `T` (default: any), discriminated by `template` so `data` matches it. */
export type EmailRequest<T extends TemplateId = TemplateId> = { [K in T]: EmailRequestFor<K> }[T];

/** Port: seals secrets for storage (authenticated encryption) and opens them when the email is sent. */
export interface Sealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}
