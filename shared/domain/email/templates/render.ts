import type { Block, EmailContent, Formatters, Inline, LocaleCatalog } from './content.ts';

export const PRODUCT_NAME = 'Support Portal';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escapes, then keeps the author's line breaks visible. */
const escapeMultiline = (value: string): string => escapeHtml(value).replace(/\r\n|\r|\n/g, '<br>\n');

// A subject is one header line: a value carrying CR/LF or other controls must not break it.
const cleanSubject = (subject: string): string =>
  subject
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();

const inlineText = (parts: readonly Inline[]): string =>
  parts.map((part) => (typeof part === 'string' ? part : part.strong)).join('');

const inlineHtml = (parts: readonly Inline[]): string =>
  parts
    .map((part) => (typeof part === 'string' ? escapeHtml(part) : `<strong>${escapeHtml(part.strong)}</strong>`))
    .join('');

const presentBlocks = (content: EmailContent): Block[] =>
  content.blocks.filter((b): b is Block => b !== undefined && b !== false);

function blockText(block: Block, colon: string): string {
  switch (block.type) {
    case 'paragraph':
      return inlineText(block.content);
    case 'highlight':
      return `${block.label}${colon.trimEnd()}\n\n    ${block.value}`;
    case 'details':
      return block.rows.map(([label, value]) => `${label}${colon}${value}`).join('\n');
    case 'action':
      // No button in plain text, so the address itself is the action and needs no hint.
      return `${block.label}${colon.trimEnd()}\n${block.url}`;
    case 'quote':
      return block.text
        .split(/\r\n|\r|\n/)
        .map((line) => `> ${line}`)
        .join('\n');
  }
}

export function renderText(content: EmailContent, catalog: LocaleCatalog): string {
  const sections = [
    PRODUCT_NAME,
    content.heading,
    content.greeting,
    ...presentBlocks(content).map((b) => blockText(b, catalog.colon)),
    catalog.signOff.join('\n'),
    `-- \n${content.footer ?? catalog.footer}`,
  ];
  return `${sections.filter((s): s is string => s !== undefined && s !== '').join('\n\n')}\n`;
}

// Inline styles only: most clients strip <style> blocks. Colours keep a contrast ratio of at least 4.5:1.
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Hiragino Sans','Yu Gothic',Meiryo,sans-serif";
const TEXT = `${FONT};font-size:16px;line-height:1.5;color:#1f2933`;
const BRAND = '#1f3a5f';
const MUTED = '#52606d';

function blockHtml(block: Block, catalog: LocaleCatalog): string {
  switch (block.type) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;">${inlineHtml(block.content)}</p>`;
    case 'highlight':
      return (
        `<p style="margin:0 0 8px;font-size:14px;color:${MUTED};">${escapeHtml(block.label)}</p>` +
        `<p style="margin:0 0 24px;"><span style="display:inline-block;padding:12px 20px;background-color:#eef2f7;` +
        `border:1px solid #c9d3df;border-radius:6px;font-family:Consolas,'Courier New',monospace;font-size:30px;` +
        `font-weight:bold;letter-spacing:6px;color:${BRAND};">${escapeHtml(block.value)}</span></p>`
      );
    case 'details':
      return (
        `<table style="border-collapse:collapse;margin:0 0 16px;${TEXT};">` +
        block.rows
          .map(
            ([label, value]) =>
              `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:4px 16px 4px 0;font-weight:normal;color:${MUTED};">` +
              `${escapeHtml(label)}</th><td style="padding:4px 0;font-weight:bold;">${escapeHtml(value)}</td></tr>`,
          )
          .join('') +
        `</table>`
      );
    case 'action': {
      const href = escapeHtml(block.url);
      return (
        `<p style="margin:8px 0 8px;"><a href="${href}" style="display:inline-block;padding:12px 24px;background-color:${BRAND};` +
        `color:#ffffff;text-decoration:none;font-weight:bold;border-radius:4px;">${escapeHtml(block.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:${MUTED};">${escapeHtml(catalog.linkHint)}<br>` +
        `<a href="${href}" style="color:${BRAND};word-break:break-all;">${escapeHtml(block.url)}</a></p>`
      );
    }
    case 'quote':
      return (
        `<blockquote style="margin:0 0 16px;padding:12px 16px;border-left:4px solid #9aa5b1;background-color:#f5f7fa;">` +
        `${escapeMultiline(block.text)}</blockquote>`
      );
  }
}

export function renderHtml(content: EmailContent, catalog: LocaleCatalog, subject: string): string {
  const greeting = content.greeting === undefined ? '' : `<p style="margin:0 0 16px;">${escapeHtml(content.greeting)}</p>`;
  const body = presentBlocks(content)
    .map((b) => blockHtml(b, catalog))
    .join('\n');
  const signOff = catalog.signOff.map(escapeHtml).join('<br>');
  return `<!DOCTYPE html>
<html lang="${catalog.locale}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f0f2f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f0f2f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border:1px solid #d9dee4;border-radius:8px;">
<tr><td style="padding:20px 32px;background-color:${BRAND};border-radius:8px 8px 0 0;${FONT};font-size:18px;font-weight:bold;color:#ffffff;">${PRODUCT_NAME}</td></tr>
<tr><td style="padding:32px;${TEXT};">
<h1 style="margin:0 0 24px;${FONT};font-size:22px;line-height:1.3;color:#1f2933;">${escapeHtml(content.heading)}</h1>
${greeting}
${body}
<p style="margin:24px 0 0;">${signOff}</p>
</td></tr>
<tr><td style="padding:16px 32px;border-top:1px solid #d9dee4;${FONT};font-size:12px;line-height:1.5;color:${MUTED};">${escapeHtml(content.footer ?? catalog.footer)}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

export function renderContent(content: EmailContent, catalog: LocaleCatalog): RenderedEmail {
  const subject = cleanSubject(content.subject);
  return { subject, text: renderText(content, catalog), html: renderHtml(content, catalog, subject) };
}

const formatterCache = new Map<string, Formatters>();

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Validation has already accepted the value, so parsing cannot fail here. */
const toDate = (iso: string): Date => new Date(DATE_ONLY.test(iso) ? `${iso}T00:00:00Z` : iso);

export function formattersFor(intlLocale: string): Formatters {
  const cached = formatterCache.get(intlLocale);
  if (cached) return cached;
  const date = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'long', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  const formatters: Formatters = {
    date: (iso) => date.format(toDate(iso)),
    dateTime: (iso) => (DATE_ONLY.test(iso) ? date.format(toDate(iso)) : `${dateTime.format(toDate(iso))} UTC`),
  };
  formatterCache.set(intlLocale, formatters);
  return formatters;
}
