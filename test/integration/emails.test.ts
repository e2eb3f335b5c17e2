import { describe, expect, it } from 'vitest';
import { transact } from '#shared/adapters/dynamodb/commands.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { outboxPut } from '#shared/adapters/dynamodb/repositories/outbox.ts';
import type { EmailRequest } from '#shared/domain/email/ports.ts';
import { LOCALES } from '#shared/domain/shared/vocabulary.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';

/** ON-8: the onboarding emails, each in every locale, with text and HTML parts, read back from the mailbox. */
const ONBOARDING_EMAILS: ((to: string, locale: (typeof LOCALES)[number]) => EmailRequest)[] = [
  (to, locale) => ({ template: 'signup_code', locale, to, data: { name: 'Robin', expiresInMinutes: 10 }, secret: { code: '246810' } }),
  (to, locale) => ({ template: 'account_exists', locale, to, data: { name: 'Robin' } }),
  (to, locale) => ({ template: 'org_joined', locale, to, data: { name: 'Robin', orgName: 'Acme Industries', role: 'buyer', accessGroup: 'Enterprise customer' } }),
  (to, locale) => ({ template: 'review_received', locale, to, data: { name: 'Robin', reference: 'REV-4821', expectedBy: '2026-11-25T09:00:00.000Z', kind: 'organization' } }),
  (to, locale) => ({ template: 'review_approved', locale, to, data: { name: 'Robin', reference: 'REV-4821', orgName: 'Acme Industries', kind: 'organization' } }),
  (to, locale) => ({ template: 'review_rejected', locale, to, data: { name: 'Robin', reference: 'REV-4821', reason: 'Not a registered company', kind: 'organization' } }),
  (to, locale) => ({ template: 'upgrade_requested', locale, to, data: { name: 'Robin', serviceRequestNumber: '40417733' } }),
];

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9faf]/;

describe('onboarding emails in every locale (ON-8)', () => {
  it('delivers each template in en, fr, de, sv and ja, with text and HTML parts in that language', async () => {
      const deps = { sealer: await getSealer(), ids: systemIds, clock: systemClock };
    const sent: { to: string; template: string; locale: string }[] = [];
    for (const make of ONBOARDING_EMAILS) {
      for (const locale of LOCALES) {
        const to = uniqueEmail('mail-locales.example');
        const req = make(to, locale);
        await transact([outboxPut(req, deps)]);
        sent.push({ to, template: req.template, locale });
      }
    }
    const subjects = new Map<string, Set<string>>();
    for (const s of sent) {
      const mail = await waitForMail(s.to, () => true, 60_000);
      expect(mail.body.text, `${s.template}/${s.locale} text`).toBeTruthy();
      expect(mail.body.html, `${s.template}/${s.locale} html`).toContain(`lang="${s.locale}"`);
      expect(mail.body.text).not.toContain('<');
      if (s.locale === 'ja') expect(mail.subject + mail.body.text).toMatch(JAPANESE);
      if (s.template === 'signup_code') expect(mail.body.text).toContain('246810');
      if (s.template === 'upgrade_requested') expect(mail.body.text).toContain('40417733');
      if (s.template === 'review_rejected') expect(mail.body.text).toContain('Not a registered company');
      subjects.set(s.template, (subjects.get(s.template) ?? new Set()).add(mail.subject));
    }
    // Each template reads differently in each of the five languages.
    for (const [template, set] of subjects) expect(set.size, template).toBe(LOCALES.length);
  }, 240_000);
});
