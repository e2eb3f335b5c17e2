import { AwsServiceError } from '#shared/adapters/aws-lite/json-client.ts';
import { type RestService, awsRestCall } from '#shared/adapters/aws-lite/rest-client.ts';
import { ENV, optionalEnv, requireEnv } from '#shared/config/env.ts';
import { type Mailer, MailerError } from '#shared/domain/email/ports.ts';

/**
 * SES v2 SendEmail over the shared SigV4 REST call (aws-lite/rest-client.ts) rather than
 * @aws-sdk/client-sesv2: the generated client and its protocol code were the bulk of the outbox handlers'
 * bundles and of their cold import, for the one call they make.
 */
const SES: RestService = { service: 'ses', hostPrefix: 'email', endpointEnv: ENV.sesEndpoint };

/** Errors where the message itself is at fault: sending it again cannot succeed. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException', 'NotFoundException']);

/** Mailer adapter for SES v2 (the real service in AWS, aws-ses-v2-local locally). */
export function sesMailer(opts: { from?: string; configurationSet?: string; endpoint?: string; maxAttempts?: number; timeoutMs?: number } = {}): Mailer {
  const from = opts.from ?? requireEnv(ENV.mailFrom);
  const configurationSet = opts.configurationSet ?? optionalEnv(ENV.sesConfigurationSet);
  return {
    async send(email) {
      const input = {
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
      };
      try {
        const out = await awsRestCall<{ MessageId?: string }>(SES, 'POST', '/v2/email/outbound-emails', input, {
          endpoint: opts.endpoint,
          maxAttempts: opts.maxAttempts ?? 2,
          timeoutMs: opts.timeoutMs,
        });
        return { providerMessageId: out.MessageId ?? 'unknown' };
      } catch (e) {
        // Only the error's name and status: the provider's message may quote the request, never the body here.
        if (e instanceof AwsServiceError) {
          throw new MailerError(`SES send failed: ${e.name} (${e.statusCode})`, PERMANENT.has(e.name));
        }
        const cause = (e as { cause?: { code?: unknown } }).cause?.code;
        throw new MailerError(`SES send failed: ${(e as Error).message}${typeof cause === 'string' ? ` (${cause})` : ''}`, false);
      }
    },
  };
}
