import { SESv2Client, SendEmailCommand, SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { ENV, optionalEnv, requireEnv } from '#shared/config/env.ts';
import { type Mailer, MailerError } from '#shared/domain/email/ports.ts';

let client: SESv2Client | undefined;
const sesClient = () => (client ??= new SESv2Client({ endpoint: optionalEnv(ENV.sesEndpoint), maxAttempts: 2 }));

/** Errors where the message itself is at fault: sending it again cannot succeed. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException', 'NotFoundException']);

/** Mailer adapter for SES v2 (the real service in AWS, aws-ses-v2-local locally). */
export function sesMailer(opts: { from?: string; configurationSet?: string } = {}): Mailer {
  const from = opts.from ?? requireEnv(ENV.mailFrom);
  const configurationSet = opts.configurationSet ?? optionalEnv(ENV.sesConfigurationSet);
  return {
    async send(email) {
      try {
        const out = await sesClient().send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: [email.to] },
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: 'UTF-8' },
                Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
              },
            },
            ConfigurationSetName: configurationSet,
            EmailTags: [{ Name: 'outbox_message_id', Value: email.messageId.replace(/[^A-Za-z0-9_-]/g, '_') }],
          }),
        );
        return { providerMessageId: out.MessageId ?? 'unknown' };
      } catch (e) {
        const name = e instanceof SESv2ServiceException ? e.name : '';
        throw new MailerError(`SES send failed: ${name || (e as Error).message}`, PERMANENT.has(name));
      }
    },
  };
}
