import { describe, it, expect } from 'vitest';
import {
  LOCALES,
  TEMPLATE_IDS,
  TemplateError,
  escapeHtml,
  isTemplateId,
  renderEmail,
  renderEmailUnchecked,
  resolveLocale,
  type Locale,
  type RenderedEmail,
  type TemplateData,
  type TemplateId,
} from '#shared/domain/email/templates/index.ts';
import type { LocaleCatalog } from '#shared/domain/email/templates/content.ts';
import { en } from '#shared/domain/email/templates/en.ts';

const BASE = 'https://portal.example.com';
const NAME = 'Ada Lovelace';
const ORG = 'Acme Robotics GmbH';
const REF = 'REV-7F3K2Q';

/** One complete, valid data set per template, optional fields included. */
const SAMPLES: { [K in TemplateId]: TemplateData[K] } = {
  signup_code: { name: NAME, code: '042917', expiresInMinutes: 10 },
  account_exists: { name: NAME, signInUrl: `${BASE}/sign-in`, resetPasswordUrl: `${BASE}/forgot-password` },
  org_joined: { name: NAME, orgName: ORG, role: 'buyer', accessGroup: 'Enterprise customer', url: `${BASE}/account` },
  review_received: { name: NAME, reference: REF, expectedBy: '2025-03-12', kind: 'organization' },
  review_request_staff: {
    reference: REF,
    kind: 'upgrade',
    applicantEmail: 'ada@acme.example',
    orgName: ORG,
    ageHours: 30.5,
    dueBy: '2025-03-12T14:05:00Z',
    url: `${BASE}/staff/reviews/${REF}`,
  },
  review_reminder_staff: {
    reference: REF,
    kind: 'reactivation',
    applicantEmail: 'ada@acme.example',
    dueBy: '2025-03-12T14:05:00Z',
    url: `${BASE}/staff/reviews/${REF}`,
  },
  review_approved: { name: NAME, reference: REF, orgName: ORG, kind: 'organization', url: `${BASE}/sign-in` },
  review_rejected: {
    name: NAME,
    reference: REF,
    reason: 'The domain acme.example is not registered to this company.',
    kind: 'upgrade',
  },
  review_expired: { name: NAME, reference: REF, kind: 'organization', url: `${BASE}/onboarding/organization` },
  upgrade_requested: { name: NAME, serviceRequestNumber: '12345678' },
  org_invite: {
    inviterName: 'Grace Hopper',
    orgName: ORG,
    role: 'report_viewer',
    signupUrl: `${BASE}/invite/k7Qp2`,
    expiresInDays: 7,
  },
  ticket_status_changed: {
    name: NAME,
    reference: 'GEM-123',
    fromStatus: 'review',
    toStatus: 'ready_to_ship',
    note: 'Shipping from the Zurich warehouse.',
    url: `${BASE}/requests/GEM-123`,
  },
  ticket_comment: {
    name: NAME,
    reference: 'GEM-123',
    authorRole: 'staff',
    excerpt: 'The courier will call you tomorrow.',
    url: `${BASE}/requests/GEM-123`,
  },
  invoice_issued: {
    name: NAME,
    orgName: ORG,
    invoiceNumber: 'INV-2025-0042',
    total: '1 234,50 EUR',
    dueDate: '2025-04-30',
    url: `${BASE}/invoices/INV-2025-0042`,
  },
  account_cancelled: { name: NAME },
  reactivation_requested: { name: NAME, reference: 'REA-9Q2W' },
};

/** Fields shown through a translated label or a formatted date rather than verbatim. */
const TRANSLATED = new Set(['kind', 'role', 'fromStatus', 'toStatus', 'authorRole']);
const DATES = new Set(['expectedBy', 'dueBy', 'dueDate']);
/** Fields whose validation leaves room for markup, so an attacker can try it there. */
const URL_FIELDS = new Set(['url', 'signInUrl', 'resetPasswordUrl', 'signupUrl']);
const STRICT = new Set([...TRANSLATED, ...DATES, ...URL_FIELDS, 'code', 'serviceRequestNumber']);

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const HTML_TAG = /<\/?[a-z][^>]*>/i;

const cases = TEMPLATE_IDS.flatMap((id) => LOCALES.map((locale) => [id, locale] as const));
const render = (id: TemplateId, locale: Locale, data: unknown = SAMPLES[id]): RenderedEmail =>
  renderEmailUnchecked(id, locale, data);

function templateErrorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError, nothing was thrown');
}

describe('email templates: every template in every locale', () => {
  it('covers the sixteen templates the portal sends', () => {
    expect([...TEMPLATE_IDS].sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(TEMPLATE_IDS).toHaveLength(16);
  });

  it.each(cases)('%s in %s renders a subject, a plain-text part and an HTML part', (id, locale) => {
    const mail = render(id, locale);
    expect(mail.subject.trim()).not.toBe('');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text.trim()).not.toBe('');
    expect(mail.text).not.toMatch(HTML_TAG);
    expect(mail.html).toMatch(/^<!DOCTYPE html>\n<html lang="[a-z]{2}"/);
    expect(mail.html).toContain(`<html lang="${locale}"`);
    expect(mail.html).toContain(`<title>${escapeHtml(mail.subject)}</title>`);
  });

  it.each(cases)('%s in %s shows every given value in both parts', (id, locale) => {
    const mail = render(id, locale);
    for (const [field, value] of Object.entries(SAMPLES[id])) {
      if (TRANSLATED.has(field) || DATES.has(field)) continue;
      const shown = typeof value === 'number' ? String(Math.floor(value)) : String(value);
      expect(mail.text, `${field} in text`).toContain(shown);
      expect(mail.html, `${field} in html`).toContain(escapeHtml(shown));
    }
  });

  it.each(cases)('%s in %s links only to the URLs it was given and loads nothing external', (id, locale) => {
    const mail = render(id, locale);
    const given = Object.entries(SAMPLES[id])
      .filter(([field]) => URL_FIELDS.has(field))
      .map(([, value]) => String(value));
    const hrefs = [...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(hrefs)).toEqual(new Set(given));
    expect(mail.html).not.toMatch(/<(img|script|link|iframe|object|embed|style)\b/i);
    expect(mail.html).not.toMatch(/\ssrc=/i);
    expect(mail.html).not.toMatch(/url\(/i);
  });

  it('writes every template differently in each locale', () => {
    for (const id of TEMPLATE_IDS) {
      const subjects = LOCALES.map((locale) => render(id, locale).subject);
      expect(new Set(subjects).size, id).toBe(LOCALES.length);
      const texts = LOCALES.map((locale) => render(id, locale).text);
      expect(new Set(texts).size, id).toBe(LOCALES.length);
    }
  });

  it('writes the Japanese emails in Japanese', () => {
    for (const id of TEMPLATE_IDS) {
      const mail = render(id, 'ja');
      expect(mail.subject, id).toMatch(JAPANESE);
      expect(mail.text, id).toMatch(JAPANESE);
      expect(mail.html, id).toMatch(JAPANESE);
    }
  });

  it('translates the footer in every locale', () => {
    expect(render('account_cancelled', 'en').text).toContain('You receive this email because of your Support Portal account.');
    expect(render('account_cancelled', 'fr').text).toContain('Vous recevez cet e-mail en raison de votre compte Support Portal.');
    expect(render('account_cancelled', 'de').text).toContain('Sie erhalten diese E-Mail aufgrund Ihres Kontos bei Support Portal.');
    expect(render('account_cancelled', 'sv').text).toContain('Du får det här mejlet eftersom du har ett konto på Support Portal.');
    expect(render('account_cancelled', 'ja').text).toContain('Support Portal アカウント');
  });

  it('renders the same email twice for the same input', () => {
    for (const [id, locale] of cases) expect(render(id, locale)).toEqual(render(id, locale));
  });

  it('refuses at compile time a locale that lacks a template', () => {
    const { reactivation_requested: dropped, ...rest } = en.templates;
    // @ts-expect-error a catalog without reactivation_requested must not type-check
    const incomplete: LocaleCatalog = { ...en, templates: rest };
    expect(typeof dropped).toBe('function');
    expect(Object.keys(incomplete.templates)).not.toContain('reactivation_requested');
  });
});

describe('email templates: content of particular templates', () => {
  it('shows the verification code prominently but keeps it out of the subject', () => {
    for (const locale of LOCALES) {
      const mail = renderEmail('signup_code', locale, SAMPLES.signup_code);
      expect(mail.subject).not.toContain('042917');
      expect(mail.text).toMatch(/\n {4}042917\n/);
      expect(mail.html).toMatch(/font-size:30px[^>]*>042917<\/span>/);
    }
  });

  it('says when the verification code expires and what to do if you did not sign up', () => {
    expect(renderEmail('signup_code', 'en', SAMPLES.signup_code).text).toContain('expires in 10 minutes');
    expect(renderEmail('signup_code', 'en', { ...SAMPLES.signup_code, expiresInMinutes: 1 }).text).toContain('expires in 1 minute ');
    expect(renderEmail('signup_code', 'en', SAMPLES.signup_code).text).toContain('If you did not sign up');
    expect(renderEmail('signup_code', 'fr', SAMPLES.signup_code).text).toContain('expire dans 10\u00a0minutes');
    expect(renderEmail('signup_code', 'de', SAMPLES.signup_code).text).toContain('läuft in 10 Minuten ab');
    expect(renderEmail('signup_code', 'sv', SAMPLES.signup_code).text).toContain('går ut om 10 minuter');
    expect(renderEmail('signup_code', 'ja', SAMPLES.signup_code).text).toContain('10分後に有効期限が切れ');
  });

  it('translates ticket status labels and never shows the stored status code', () => {
    const data = { ...SAMPLES.ticket_status_changed, fromStatus: 'ready_to_ship', toStatus: 'ready_to_bill' } as const;
    const expected: Record<Locale, [string, string]> = {
      en: ['Ready to ship', 'Ready to bill'],
      fr: ['Prêt pour l’envoi', 'Prêt pour la facturation'],
      de: ['Versandbereit', 'Bereit zur Abrechnung'],
      sv: ['Redo att skickas', 'Redo att faktureras'],
      ja: ['出荷準備完了', '請求準備完了'],
    };
    for (const locale of LOCALES) {
      const mail = renderEmail('ticket_status_changed', locale, data);
      const [from, to] = expected[locale];
      expect(mail.text).toContain(from);
      expect(mail.text).toContain(to);
      expect(mail.subject).toContain(to);
      expect(mail.text + mail.html).not.toMatch(/ready_to_/);
    }
  });

  it('labels each of the five ticket statuses in every locale', () => {
    const statuses = ['review', 'ready_to_ship', 'ready_to_bill', 'billed', 'queued'] as const;
    for (const locale of LOCALES) {
      const subjects = statuses.map(
        (toStatus) => renderEmail('ticket_status_changed', locale, { ...SAMPLES.ticket_status_changed, toStatus }).subject,
      );
      expect(new Set(subjects).size, locale).toBe(statuses.length);
    }
  });

  it('translates the role of an org member', () => {
    const data = { ...SAMPLES.org_joined, role: 'site_admin' } as const;
    expect(renderEmail('org_joined', 'en', data).text).toContain('Site administrator');
    expect(renderEmail('org_joined', 'fr', data).text).toContain('Administrateur de site');
    expect(renderEmail('org_joined', 'ja', data).text).toContain('サイト管理者');
    for (const locale of LOCALES) expect(renderEmail('org_joined', locale, data).text).not.toContain('site_admin');
  });

  it('formats dates in the reader’s language', () => {
    const expected: Record<Locale, string> = {
      en: '12 March 2025',
      fr: '12 mars 2025',
      de: '12. März 2025',
      sv: '12 mars 2025',
      ja: '2025年3月12日',
    };
    for (const locale of LOCALES) {
      const mail = renderEmail('review_received', locale, SAMPLES.review_received);
      expect(mail.text).toContain(expected[locale]);
      expect(mail.text).not.toContain('2025-03-12');
    }
  });

  it('gives staff deadlines with a time in UTC', () => {
    const mail = renderEmail('review_reminder_staff', 'en', SAMPLES.review_reminder_staff);
    expect(mail.text).toContain('12 March 2025 at 14:05 UTC');
  });

  it('promises 24-48 hours for an upgrade and 1-2 business days for other reviews', () => {
    const upgrade = renderEmail('review_received', 'en', { ...SAMPLES.review_received, kind: 'upgrade' });
    const organization = renderEmail('review_received', 'en', SAMPLES.review_received);
    expect(upgrade.text).toContain('24 to 48 hours');
    expect(organization.text).toContain('1 to 2 business days');
  });

  it('tells an approved organization applicant they are its site administrator', () => {
    const mail = renderEmail('review_approved', 'en', SAMPLES.review_approved);
    expect(mail.text).toContain('site administrator');
    expect(mail.subject).toContain(ORG);
  });

  it('quotes a multi-line rejection reason line by line', () => {
    const mail = renderEmail('review_rejected', 'en', { ...SAMPLES.review_rejected, reason: 'First line\nSecond line' });
    expect(mail.text).toContain('> First line\n> Second line');
    expect(mail.html).toContain('First line<br>\nSecond line');
  });

  it('names who wrote a ticket comment', () => {
    const staff = renderEmail('ticket_comment', 'en', SAMPLES.ticket_comment);
    const requester = renderEmail('ticket_comment', 'en', { ...SAMPLES.ticket_comment, authorRole: 'requester' });
    expect(staff.subject).toContain('support');
    expect(requester.subject).toContain('requester');
  });

  it('leaves out the button when no URL is given', () => {
    const { url: _url, ...withoutUrl } = SAMPLES.invoice_issued;
    const mail = renderEmail('invoice_issued', 'en', withoutUrl);
    expect(mail.html).not.toContain('href=');
    expect(mail.text).not.toContain('https://');
  });

  it('tells an invitee why they got the email though they may have no account', () => {
    const mail = renderEmail('org_invite', 'en', SAMPLES.org_invite);
    expect(mail.text).toContain('because Grace Hopper invited you');
    expect(mail.text).not.toContain('because of your Support Portal account');
  });
});

describe('email templates: untrusted values', () => {
  const EVIL = `<script>alert("pwned")</script> & 'Bobby' <img src=x onerror=alert(1)>`;

  function poisoned(id: TemplateId): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(SAMPLES[id]).map(([field, value]) => [
        field,
        STRICT.has(field) || typeof value !== 'string' ? value : field === 'applicantEmail' ? `${EVIL.replace(/\s/g, '')}@evil.test` : EVIL,
      ]),
    );
  }

  it.each(cases)('%s in %s escapes markup in every value of the HTML part', (id, locale) => {
    const mail = render(id, locale, poisoned(id));
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.html).not.toMatch(/<img/i);
    expect(mail.html).not.toContain('"pwned"');
    expect(mail.html).not.toContain("'Bobby'");
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;Bobby&#39;');
  });

  it('keeps the name as written in the plain-text part, where it is inert', () => {
    const mail = renderEmail('account_cancelled', 'en', { name: EVIL });
    expect(mail.text).toContain(`Hello ${EVIL},`);
  });

  it('escapes a URL so it cannot break out of its href attribute', () => {
    const url = `${BASE}/x?a="><script>alert(1)</script>&b='`;
    const mail = renderEmail('invoice_issued', 'en', { ...SAMPLES.invoice_issued, url });
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.html).toContain(`href="${escapeHtml(url)}"`);
  });

  it('keeps a subject on one line when a value carries CR/LF', () => {
    const mail = renderEmail('org_joined', 'en', { ...SAMPLES.org_joined, orgName: 'Acme\r\nBcc: victim@example.com' });
    expect(mail.subject).toBe('Your account is now linked to Acme Bcc: victim@example.com');
  });

  it('puts nothing in the email beyond the declared fields', () => {
    const mail = renderEmailUnchecked('account_cancelled', 'en', { name: NAME, pixel: 'https://tracker.example/p.gif' });
    expect(mail.text + mail.html).not.toContain('tracker.example');
  });
});

describe('renderEmailUnchecked: runtime checks for the outbox consumer', () => {
  it('renders valid data exactly as the typed function does', () => {
    for (const [id, locale] of cases) {
      expect(renderEmailUnchecked(id, locale, SAMPLES[id])).toEqual(renderEmail(id, locale, SAMPLES[id] as never));
    }
  });

  it('rejects an unknown template id', () => {
    const error = templateErrorOf(() => renderEmailUnchecked('password_changed', 'en', { name: NAME }));
    expect(error.templateId).toBe('password_changed');
    expect(error.name).toBe('TemplateError');
  });

  it('rejects ids inherited from Object.prototype', () => {
    for (const id of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(isTemplateId(id)).toBe(false);
      expect(() => renderEmailUnchecked(id, 'en', {})).toThrow(TemplateError);
    }
  });

  it('rejects the typed call too when the id is not a template', () => {
    expect(() => renderEmail('nope' as TemplateId, 'en', SAMPLES.account_cancelled as never)).toThrow(TemplateError);
  });

  it('rejects data missing a required field and names the field', () => {
    const { code: _code, ...withoutCode } = SAMPLES.signup_code;
    const error = templateErrorOf(() => renderEmailUnchecked('signup_code', 'en', withoutCode));
    expect(error.field).toBe('code');
    expect(error.templateId).toBe('signup_code');
  });

  it.each([
    ['a number where a string is required', 'account_cancelled', { name: 42 }, 'name'],
    ['an empty string', 'account_cancelled', { name: '   ' }, 'name'],
    ['a five-digit code', 'signup_code', { ...SAMPLES.signup_code, code: '12345' }, 'code'],
    ['a numeric code, which would lose leading zeros', 'signup_code', { ...SAMPLES.signup_code, code: 42917 }, 'code'],
    ['a string where a number is required', 'signup_code', { ...SAMPLES.signup_code, expiresInMinutes: '10' }, 'expiresInMinutes'],
    ['a non-integer expiry', 'signup_code', { ...SAMPLES.signup_code, expiresInMinutes: 1.5 }, 'expiresInMinutes'],
    ['a seven-digit service request number', 'upgrade_requested', { name: NAME, serviceRequestNumber: '1234567' }, 'serviceRequestNumber'],
    ['an unknown review kind', 'review_expired', { ...SAMPLES.review_expired, kind: 'promotion' }, 'kind'],
    ['an unknown ticket status', 'ticket_status_changed', { ...SAMPLES.ticket_status_changed, toStatus: 'Shipped' }, 'toStatus'],
    ['an unknown role', 'org_invite', { ...SAMPLES.org_invite, role: 'root' }, 'role'],
    ['an impossible date', 'invoice_issued', { ...SAMPLES.invoice_issued, dueDate: '2025-02-30' }, 'dueDate'],
    ['a date that is not ISO 8601', 'invoice_issued', { ...SAMPLES.invoice_issued, dueDate: '30/04/2025' }, 'dueDate'],
    ['a javascript: URL', 'invoice_issued', { ...SAMPLES.invoice_issued, url: 'javascript:alert(1)' }, 'url'],
    ['a plain http URL to a public host', 'org_invite', { ...SAMPLES.org_invite, signupUrl: 'http://portal.example.com/i' }, 'signupUrl'],
    ['a URL with credentials', 'org_invite', { ...SAMPLES.org_invite, signupUrl: 'https://user:pw@portal.example.com/i' }, 'signupUrl'],
    ['a negative age', 'review_request_staff', { ...SAMPLES.review_request_staff, ageHours: -1 }, 'ageHours'],
    ['an applicant that is not an email address', 'review_reminder_staff', { ...SAMPLES.review_reminder_staff, applicantEmail: 'ada' }, 'applicantEmail'],
  ] as const)('rejects %s', (_case, id, data, field) => {
    expect(templateErrorOf(() => renderEmailUnchecked(id, 'en', data)).field).toBe(field);
  });

  it('never echoes a rejected value in the error message, since it may be a secret code', () => {
    const error = templateErrorOf(() => renderEmailUnchecked('signup_code', 'en', { ...SAMPLES.signup_code, code: '98765' }));
    expect(error.message).not.toContain('98765');
  });

  it.each([null, undefined, 'name=Ada', 42, [NAME]])('rejects data that is not an object (%j)', (data) => {
    expect(() => renderEmailUnchecked('account_cancelled', 'en', data)).toThrow(TemplateError);
  });

  it('ignores a required field that is only inherited, not the data’s own', () => {
    expect(() => renderEmailUnchecked('account_cancelled', 'en', Object.create({ name: NAME }))).toThrow(TemplateError);
  });

  it('treats null in an optional field as absent', () => {
    const mail = renderEmailUnchecked('invoice_issued', 'en', { ...SAMPLES.invoice_issued, url: null });
    expect(mail.html).not.toContain('href=');
  });

  it('accepts an http link to localhost for local runs', () => {
    const mail = renderEmailUnchecked('org_invite', 'en', { ...SAMPLES.org_invite, signupUrl: 'http://localhost:3000/invite/k7Qp2' });
    expect(mail.text).toContain('http://localhost:3000/invite/k7Qp2');
  });

  it('accepts a date-time with an offset', () => {
    const mail = renderEmailUnchecked('review_reminder_staff', 'en', {
      ...SAMPLES.review_reminder_staff,
      dueBy: '2025-03-12T16:05:00+02:00',
    });
    expect(mail.text).toContain('12 March 2025 at 14:05 UTC');
  });
});

describe('locale resolution', () => {
  it('falls back to English for an unknown locale', () => {
    const fallback = renderEmailUnchecked('signup_code', 'xx', SAMPLES.signup_code);
    expect(fallback).toEqual(renderEmail('signup_code', 'en', SAMPLES.signup_code));
    expect(fallback.html).toContain('<html lang="en"');
  });

  it('falls back to English for an empty or non-string locale', () => {
    expect(renderEmailUnchecked('account_cancelled', '', { name: NAME }).html).toContain('<html lang="en"');
    expect(renderEmailUnchecked('account_cancelled', 42 as unknown as string, { name: NAME }).html).toContain('<html lang="en"');
  });

  it('falls back to English when a typed caller passes an unsupported locale anyway', () => {
    expect(renderEmail('account_cancelled', 'it' as Locale, { name: NAME }).html).toContain('<html lang="en"');
  });

  it('uses the language of a regional or upper-case tag', () => {
    expect(resolveLocale('fr-CA')).toBe('fr');
    expect(resolveLocale('de_CH')).toBe('de');
    expect(resolveLocale('SV')).toBe('sv');
    expect(resolveLocale('ja-JP')).toBe('ja');
    expect(renderEmailUnchecked('account_cancelled', 'fr-CA', { name: NAME }).html).toContain('<html lang="fr"');
  });
});
