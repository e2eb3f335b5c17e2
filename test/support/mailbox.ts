import { inject } from 'vitest';

/** One message as the SES stand-in stores it (GET /store). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

const mailboxUrl = () => inject('stack').endpoints.mailbox;

/**
 * The stored emails, by default only those of the last 10 minutes (`?since=`): a full run stores thousands,
 * and the stand-in shares its process with the outbox consumer, so reading them all on every poll slows both.
 */
export async function fetchMail(sinceSeconds = Math.floor(Date.now() / 1000) - 600): Promise<StoredEmail[]> {
  const res = await fetch(`${mailboxUrl()}/store?since=${sinceSeconds}`);
  const json = (await res.json()) as { emails: StoredEmail[] };
  return json.emails;
}

/** Polls the SES stand-in until an email to `to` matching `where` arrives (the outbox is asynchronous). */
export async function waitForMail(to: string, where: (m: StoredEmail) => boolean = () => true, timeoutMs = 30_000): Promise<StoredEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await fetchMail()).find((m) => m.destination.to.includes(to) && where(m));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no email to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function mailTo(to: string): Promise<StoredEmail[]> {
  return (await fetchMail()).filter((m) => m.destination.to.includes(to));
}
