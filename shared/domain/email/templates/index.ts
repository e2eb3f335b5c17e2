/**
 * Transactional email templates (ON-8): every email the portal sends, in each supported locale,
 * as a subject, a plain-text part and an HTML part. Pure: no I/O, no clock, no randomness.
 *
 * Adding a locale: write one catalog file like `en.ts`, add its code to LOCALES and to CATALOGS;
 * the compiler lists whatever is missing. Adding a template: add its data to TemplateData, its
 * rule set to SPECS (validate.ts) and its function to each catalog; again the compiler lists the gaps.
 */
import type { LocaleCatalog } from './content.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';
import { ja } from './ja.ts';
import { LOCALES, TemplateError, type Locale, type TemplateData, type TemplateId } from './model.ts';
import { formattersFor, renderContent, type RenderedEmail } from './render.ts';
import { sv } from './sv.ts';
import { SPECS, isKnownTemplate, validateData } from './validate.ts';

export {
  COMMENT_AUTHOR_ROLES,
  LOCALES,
  REVIEW_KINDS,
  TICKET_STATUSES,
  TemplateError,
  type CommentAuthorRole,
  type Locale,
  type OrgRole,
  type ReviewKind,
  type TemplateData,
  type TemplateId,
  type TicketStatus,
} from './model.ts';
export { escapeHtml, type RenderedEmail } from './render.ts';

const CATALOGS: { readonly [L in Locale]: LocaleCatalog & { readonly locale: L } } = { en, fr, de, sv, ja };

export const TEMPLATE_IDS: readonly TemplateId[] = Object.keys(SPECS) as TemplateId[];

export function isTemplateId(id: string): id is TemplateId {
  return isKnownTemplate(id);
}

/**
 * `fr-CA` or `FR` still reach the French catalog; anything else gets English rather than no email,
 * because a profile with an odd locale must not make its owner miss a verification code.
 */
export function resolveLocale(locale: string): Locale {
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (LOCALES as readonly string[]).includes(primary) ? (primary as Locale) : 'en';
}

function render<K extends TemplateId>(id: K, locale: string, data: unknown): RenderedEmail {
  const clean = validateData(id, data);
  const catalog = CATALOGS[resolveLocale(locale)];
  const template = catalog.templates[id];
  return renderContent(template(clean, formattersFor(catalog.intlLocale)), catalog);
}

/** Throws TemplateError when a field is missing or invalid (types cannot check a 6-digit code). */
export function renderEmail<T extends TemplateId>(id: T, locale: Locale, data: TemplateData[T]): RenderedEmail {
  if (!isKnownTemplate(id)) throw new TemplateError(String(id), `unknown email template "${String(id)}"`);
  return render(id, locale, data);
}

/** For the outbox consumer, whose template id, locale and data come from a stored record. */
export function renderEmailUnchecked(id: string, locale: string, data: unknown): RenderedEmail {
  if (!isKnownTemplate(id)) throw new TemplateError(id, `unknown email template "${id.slice(0, 64)}"`);
  return render(id, typeof locale === 'string' ? locale : 'en', data);
}
