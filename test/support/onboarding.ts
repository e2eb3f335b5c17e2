import type { TestApi } from './api.ts';
import { type Tokens, signIn } from './identity.ts';
import { waitForMail } from './mailbox.ts';

export const STRONG_PASSWORD = 'a long enough passphrase 42';

/** ON-3 registration details as a customer employee in France (POST /onboarding/registration). */
export const REGISTRATION_DETAILS = {
  relationship: 'customer_employee',
  company: 'Acme',
  jobTitle: 'IT lead',
  phone: '+33612345678',
  country: 'FR',
  siteAddress: { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
};

/** The 6-digit code of the newest signup_code email to `to` (after `since`, epoch seconds). */
export async function codeFromMailbox(to: string, since = 0): Promise<string> {
  const mail = await waitForMail(to, (m) => m.at >= since && /\b\d{6}\b/.test(m.body.text ?? '') && !/already have an account|avez déjà/i.test(m.body.text ?? ''));
  return /\b(\d{6})\b/.exec(mail.body.text ?? '')?.[1] as string;
}

/** Signs up through the API, reads the code from the SES mailbox, verifies it and signs in. */
export async function signUpAndVerify(api: TestApi, email: string, opts: { name?: string; locale?: string; password?: string } = {}): Promise<Tokens> {
  const password = opts.password ?? STRONG_PASSWORD;
  const res = await api.call('POST', '/signup', { body: { email, password, name: opts.name ?? 'New User', locale: opts.locale ?? 'en' } });
  if (res.status !== 202) throw new Error(`signup failed: ${res.status} ${res.text}`);
  const code = await codeFromMailbox(email);
  const verified = await api.call('POST', '/signup/verify', { body: { email, code } });
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${verified.text}`);
  return signIn(email, password);
}
