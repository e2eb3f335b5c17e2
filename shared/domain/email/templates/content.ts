import type { Locale, TemplateData, TemplateId } from './model.ts';

/**
 * Locale files describe an email as blocks of plain text, never as HTML: the layout escapes
 * everything once, so a translation cannot forget to escape a value or smuggle markup in.
 */
export type Inline = string | { readonly strong: string };

export type Block =
  | { readonly type: 'paragraph'; readonly content: readonly Inline[] }
  /** The one value the reader came for (a verification code): shown large. */
  | { readonly type: 'highlight'; readonly label: string; readonly value: string }
  | { readonly type: 'details'; readonly rows: readonly (readonly [label: string, value: string])[] }
  | { readonly type: 'action'; readonly label: string; readonly url: string }
  /** Free text written by a person (a reviewer's reason, a comment): line breaks kept. */
  | { readonly type: 'quote'; readonly text: string };

/** `false`/`undefined` entries let a template write `d.note !== undefined && quote(d.note)`. */
export type MaybeBlock = Block | false | undefined;

export interface EmailContent {
  readonly subject: string;
  readonly heading: string;
  /** Omitted for messages with no known recipient name (invitations, staff notices). */
  readonly greeting?: string | undefined;
  readonly blocks: readonly MaybeBlock[];
  /** Replaces the locale's footer when the reader may have no account yet (an invitation). */
  readonly footer?: string | undefined;
}

export interface Formatters {
  /** A calendar date in the reader's language; a date-time is shown as its UTC date. */
  date(iso: string): string;
  /** Date and time in UTC, labelled as such: staff across time zones read these. */
  dateTime(iso: string): string;
}

export type TemplateFn<K extends TemplateId> = (data: TemplateData[K], format: Formatters) => EmailContent;

/** One locale: a catalog lacking any template does not compile. */
export interface LocaleCatalog {
  readonly locale: Locale;
  /** The BCP 47 tag given to Intl for dates. */
  readonly intlLocale: string;
  /** Shown under the button, for clients that render it badly. */
  readonly linkHint: string;
  /** Between a label and its value in the text part: French wants a no-break space before the colon, Japanese a full-width colon. */
  readonly colon: string;
  readonly signOff: readonly string[];
  readonly footer: string;
  readonly templates: { readonly [K in TemplateId]: TemplateFn<K> };
}

export const p = (...content: Inline[]): Block => ({ type: 'paragraph', content });
export const strong = (text: string): Inline => ({ strong: text });
export const highlight = (label: string, value: string): Block => ({ type: 'highlight', label, value });
export const details = (...rows: (readonly [string, string] | false | undefined)[]): Block => ({
  type: 'details',
  rows: rows.filter((r): r is readonly [string, string] => Array.isArray(r)),
});
export const action = (label: string, url: string | undefined): Block | undefined =>
  url === undefined ? undefined : { type: 'action', label, url };
export const quote = (text: string): Block => ({ type: 'quote', text });
