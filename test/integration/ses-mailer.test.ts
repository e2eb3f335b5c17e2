import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sesMailer } from '#shared/adapters/ses/mailer.ts';
import { ENV } from '#shared/config/env.ts';
import { MailerError, type OutgoingEmail } from '#shared/domain/email/ports.ts';
import { uniqueEmail } from '#test/support/identity.ts';
import { mailTo } from '#test/support/mailbox.ts';

/**
 * The SES adapter (SES v2 SendEmail over a SigV4-signed fetch): the happy path through the SES stand-in, the
 * error paths against a scripted HTTP server of this file's own that answers what SES answers when it
 * rejects, throttles, fails or drops the connection.
 */

const BODY_TEXT = 'Secret body text 7f3a: your code is 493817';
const BODY_HTML = '<p>Secret body html 7f3a: your code is <b>493817</b></p>';

function email(to = uniqueEmail('mailer-test.example')): OutgoingEmail {
  return { to, subject: 'Subject ✓ Ünïcode', text: BODY_TEXT, html: BODY_HTML, messageId: `msg#${Date.now()}/x` };
}

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Responder = (res: ServerResponse, attempt: number) => void;

/** An HTTP server on a free port answering with `respond` and recording each request. */
async function scripted(respond: Responder): Promise<{ endpoint: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      respond(res, seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const servers: Server[] = [];
const stop = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

afterEach(async () => {
  await Promise.all(servers.splice(0).map(stop));
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function failure(p: Promise<unknown>): Promise<MailerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MailerError);
  const err = e as MailerError;
  // Never the body: not in the error's message, nor anywhere else on it.
  for (const secret of [BODY_TEXT, BODY_HTML, '493817']) expect(JSON.stringify({ m: err.message, s: err.stack, ...err })).not.toContain(secret);
  return err;
}

function expectSigned(s: Seen) {
  const auth = String(s.headers.authorization);
  expect(auth.startsWith('AWS4-HMAC-SHA256 ')).toBe(true);
  expect(auth).toMatch(/Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/ses\/aws4_request/);
  expect(auth).toContain(`/${process.env[ENV.region]}/ses/aws4_request`);
  expect(auth).toMatch(/SignedHeaders=[^,]*host/);
  expect(s.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
}

describe('SES mailer: happy path through the stand-in', () => {
  it('sends the message and returns the provider message id', async () => {
    const e = email();
    const { providerMessageId } = await sesMailer().send(e);
    expect(providerMessageId).not.toBe('unknown');
    expect(providerMessageId.length).toBeGreaterThan(0);
    const got = await mailTo(e.to);
    expect(got).toHaveLength(1);
    expect(got[0]!.messageId).toBe(providerMessageId);
    expect(got[0]!.subject).toBe(e.subject);
    expect(got[0]!.body.text?.trim()).toBe(BODY_TEXT);
    expect(got[0]!.body.html?.trim()).toBe(BODY_HTML);
    const fromAddress = /<([^>]+)>/.exec(process.env[ENV.mailFrom] ?? '')?.[1] ?? process.env[ENV.mailFrom];
    expect(got[0]!.from).toContain(fromAddress);
  });
});

describe('SES mailer: the request and error paths (scripted server)', () => {
  it('POSTs the SendEmail v2 body, signed for ses', async () => {
    const srv = await scripted((res) => json(res, 200, { MessageId: 'prov-1' }));
    const e = email();
    const out = await sesMailer({ endpoint: srv.endpoint, from: 'Portal <no-reply@portal.test>', configurationSet: 'cs-1' }).send(e);
    expect(out).toEqual({ providerMessageId: 'prov-1' });
    expect(srv.seen).toHaveLength(1);
    const [s] = srv.seen;
    expect(s!.method).toBe('POST');
    expect(s!.url).toBe('/v2/email/outbound-emails');
    expect(s!.headers['content-type']).toBe('application/json');
    expectSigned(s!);
    expect(JSON.parse(s!.body)).toEqual({
      FromEmailAddress: 'Portal <no-reply@portal.test>',
      Destination: { ToAddresses: [e.to] },
      Content: {
        Simple: {
          Subject: { Data: e.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: BODY_TEXT, Charset: 'UTF-8' }, Html: { Data: BODY_HTML, Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: 'cs-1',
      EmailTags: [{ Name: 'outbox_message_id', Value: e.messageId.replace(/[^A-Za-z0-9_-]/g, '_') }],
    });
  });

  it('omits ConfigurationSetName when there is none, and reads the endpoint override from the environment', async () => {
    const srv = await scripted((res) => json(res, 200, { MessageId: 'prov-2' }));
    const previous = { endpoint: process.env[ENV.sesEndpoint], cs: process.env[ENV.sesConfigurationSet] };
    process.env[ENV.sesEndpoint] = srv.endpoint;
    delete process.env[ENV.sesConfigurationSet];
    try {
      expect(await sesMailer().send(email())).toEqual({ providerMessageId: 'prov-2' });
    } finally {
      process.env[ENV.sesEndpoint] = previous.endpoint;
      if (previous.cs !== undefined) process.env[ENV.sesConfigurationSet] = previous.cs;
    }
    expect(srv.seen).toHaveLength(1);
    expect(JSON.parse(srv.seen[0]!.body)).not.toHaveProperty('ConfigurationSetName');
  });

  it('MessageRejected (x-amzn-errortype header): permanent, not retried', async () => {
    const srv = await scripted((res) =>
      json(res, 400, { message: 'Email address is not verified.' }, { 'x-amzn-errortype': 'MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/' }),
    );
    const err = await failure(sesMailer({ endpoint: srv.endpoint }).send(email()));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain('MessageRejected');
    expect(srv.seen).toHaveLength(1);
    expectSigned(srv.seen[0]!);
  });

  it('MessageRejected with an empty suffix after the colon: permanent', async () => {
    const srv = await scripted((res) => json(res, 400, {}, { 'x-amzn-errortype': 'MessageRejected:' }));
    const err = await failure(sesMailer({ endpoint: srv.endpoint }).send(email()));
    expect(err.permanent).toBe(true);
    expect(srv.seen).toHaveLength(1);
  });

  it.each([
    ['__type with a namespace', { __type: 'com.amazonaws.sesv2#BadRequestException', message: 'bad' }, 'BadRequestException'],
    ['code', { code: 'NotFoundException', message: 'no such configuration set' }, 'NotFoundException'],
  ])('error name from the body (%s): permanent', async (_label, body, name) => {
    const srv = await scripted((res) => json(res, name === 'NotFoundException' ? 404 : 400, body));
    const err = await failure(sesMailer({ endpoint: srv.endpoint }).send(email()));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain(name);
    expect(srv.seen).toHaveLength(1);
  });

  it('another 4xx (SendingPausedException): transient, not retried in the call', async () => {
    const srv = await scripted((res) => json(res, 400, { message: 'paused' }, { 'x-amzn-errortype': 'SendingPausedException:' }));
    const err = await failure(sesMailer({ endpoint: srv.endpoint }).send(email()));
    expect(err.permanent).toBe(false);
    expect(srv.seen).toHaveLength(1);
  });

  it('429 TooManyRequestsException: retried once, then transient', async () => {
    const srv = await scripted((res) => json(res, 429, { message: 'slow down' }, { 'x-amzn-errortype': 'TooManyRequestsException:' }));
    const err = await failure(sesMailer({ endpoint: srv.endpoint }).send(email()));
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('TooManyRequestsException');
    expect(srv.seen).toHaveLength(2);
    for (const s of srv.seen) expectSigned(s);
  });

  it('500: retried once, then transient', async () => {
    const srv = await scripted((res) => json(res, 500, { message: 'internal' }, { 'x-amzn-errortype': 'InternalFailure:' }));
    const err = await failure(sesMailer({ endpoint: srv.endpoint }).send(email()));
    expect(err.permanent).toBe(false);
    expect(srv.seen).toHaveLength(2);
  });

  it('503 without a body, then success: the retry delivers', async () => {
    const srv = await scripted((res, attempt) => {
      if (attempt === 1) {
        res.writeHead(503);
        res.end();
      } else json(res, 200, { MessageId: 'prov-after-retry' });
    });
    expect(await sesMailer({ endpoint: srv.endpoint }).send(email())).toEqual({ providerMessageId: 'prov-after-retry' });
    expect(srv.seen).toHaveLength(2);
    // The body is the same on the retry (signed afresh).
    expect(srv.seen[1]!.body).toBe(srv.seen[0]!.body);
  });

  it('the connection closed without a response: retried once, then transient', async () => {
    const srv = await scripted((res) => res.socket?.destroy());
    const err = await failure(sesMailer({ endpoint: srv.endpoint }).send(email()));
    expect(err.permanent).toBe(false);
    expect(srv.seen).toHaveLength(2);
  });

  it('no answer at all: each attempt times out, then transient', async () => {
    const srv = await scripted(() => {}); // reads the request, never responds
    const started = Date.now();
    const err = await failure(sesMailer({ endpoint: srv.endpoint, timeoutMs: 200 }).send(email()));
    expect(err.permanent).toBe(false);
    expect(srv.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('connection refused: transient', async () => {
    const srv = await scripted(() => {});
    const endpoint = srv.endpoint;
    await stop(servers.pop()!);
    const err = await failure(sesMailer({ endpoint }).send(email()));
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/ECONNREFUSED|fetch failed/);
  });
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map(stop));
});
