import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import type { Invoice, InvoiceLine } from '#shared/domain/billing/model.ts';
import { FONT_FILES } from './fonts.ts';
import { formatMoney, formatRate } from '#shared/domain/billing/money.ts';
import { EXPORT_NOTE, REVERSE_CHARGE_NOTE } from '#shared/domain/billing/invoices.ts';

/**
 * The invoice PDF (BI-1) with pdfkit. Text is drawn in runs, each in a font that has its characters:
 * DejaVu Sans (Latin, Greek, Cyrillic: en, fr, de, sv) and Noto Sans JP (kana and kanji: ja), so names and
 * addresses in any of the five locales print. This module is NOT part of the handler bundles (pdfkit and
 * fontkit alone exceed the 450 KB budget): CDK bundles it separately next to the handler with the fonts
 * (`pdf/render-invoice.mjs`, `pdf/fonts/`), and the handler imports it lazily on the first render only.
 */


/** Fonts next to the bundle (Lambda: `<task root>/pdf/fonts/<file>`), else from the repository's node_modules. */
function fontPath(file: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'fonts', file.split('/').pop() as string);
  if (existsSync(beside)) return beside;
  let dir = here;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, file);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`font not found: ${file}`);
}

/** Font files, read once per process; the Japanese one (the slowest to parse) only for a document that needs it. */
const cache = new Map<keyof typeof FONT_FILES, Buffer>();
const font = (name: keyof typeof FONT_FILES) => {
  let b = cache.get(name);
  if (!b) cache.set(name, (b = readFileSync(fontPath(FONT_FILES[name]))));
  return b;
};

const CJK = /[\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

/** Splits text into runs of characters that share a font. */
export function fontRuns(text: string): { font: 'latin' | 'japanese'; text: string }[] {
  const runs: { font: 'latin' | 'japanese'; text: string }[] = [];
  for (const ch of text) {
    const font = CJK.test(ch) ? 'japanese' : 'latin';
    const last = runs[runs.length - 1];
    if (last && last.font === font) last.text += ch;
    else runs.push({ font, text: ch });
  }
  return runs;
}

type Labels = Record<'invoice' | 'number' | 'issued' | 'due' | 'seller' | 'buyer' | 'vatId' | 'period' | 'lines' | 'ref' | 'entered' | 'shipped' | 'model' | 'deliveredTo' | 'amount' | 'subtotal' | 'vat' | 'total' | 'notVerified', string>;

const LABELS: Record<string, Labels> = {
  en: { invoice: 'Invoice', number: 'Invoice number', issued: 'Issue date', due: 'Due date', seller: 'Seller', buyer: 'Bill to', vatId: 'VAT ID', period: 'Period', lines: 'Orders', ref: 'Internal reference', entered: 'Entered', shipped: 'Shipped', model: 'Model', deliveredTo: 'Delivered to', amount: 'Amount', subtotal: 'Subtotal', vat: 'VAT', total: 'Total', notVerified: 'not verified' },
  fr: { invoice: 'Facture', number: 'Numéro de facture', issued: 'Date d’émission', due: 'Date d’échéance', seller: 'Vendeur', buyer: 'Facturé à', vatId: 'N° TVA', period: 'Période', lines: 'Commandes', ref: 'Référence interne', entered: 'Saisie', shipped: 'Expédition', model: 'Modèle', deliveredTo: 'Livré à', amount: 'Montant', subtotal: 'Sous-total', vat: 'TVA', total: 'Total', notVerified: 'non vérifié' },
  de: { invoice: 'Rechnung', number: 'Rechnungsnummer', issued: 'Rechnungsdatum', due: 'Fällig am', seller: 'Verkäufer', buyer: 'Rechnungsempfänger', vatId: 'USt-IdNr.', period: 'Zeitraum', lines: 'Bestellungen', ref: 'Interne Referenz', entered: 'Erfasst', shipped: 'Versand', model: 'Modell', deliveredTo: 'Geliefert an', amount: 'Betrag', subtotal: 'Zwischensumme', vat: 'USt.', total: 'Gesamt', notVerified: 'nicht geprüft' },
  sv: { invoice: 'Faktura', number: 'Fakturanummer', issued: 'Fakturadatum', due: 'Förfallodatum', seller: 'Säljare', buyer: 'Faktureras till', vatId: 'Momsreg.nr', period: 'Period', lines: 'Beställningar', ref: 'Intern referens', entered: 'Registrerad', shipped: 'Skickad', model: 'Modell', deliveredTo: 'Levererad till', amount: 'Belopp', subtotal: 'Delsumma', vat: 'Moms', total: 'Totalt', notVerified: 'ej verifierat' },
  ja: { invoice: '請求書', number: '請求書番号', issued: '発行日', due: 'お支払い期限', seller: '販売者', buyer: 'ご請求先', vatId: 'VAT番号', period: '期間', lines: 'ご注文', ref: '社内参照番号', entered: '登録日', shipped: '出荷日', model: 'モデル', deliveredTo: '配送先', amount: '金額', subtotal: '小計', vat: 'VAT', total: '合計', notVerified: '未確認' },
};

export async function renderInvoicePdf({ invoice, lines, locale }: { invoice: Invoice; lines: InvoiceLine[]; locale: string }): Promise<Uint8Array> {
  const L = LABELS[locale] ?? (LABELS.en as Labels);
  const doc = new PDFDocument({ size: 'A4', margin: 50, font: font('latin') as unknown as string, info: { Title: `${L.invoice} ${invoice.number ?? ''}`, Author: invoice.seller?.name ?? '' } });
  doc.registerFont('latin', font('latin'));
  doc.registerFont('latinBold', font('latinBold'));
  if (CJK.test(JSON.stringify([invoice, lines, L]))) doc.registerFont('japanese', font('japanese'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const money = (minor: number) => formatMoney(minor, invoice.currency, locale);

  /** One paragraph, in runs of the right font. */
  const write = (text: string, size = 10, bold = false) => {
    const runs = fontRuns(text);
    doc.fontSize(size);
    runs.forEach((r, i) => {
      doc.font(r.font === 'japanese' ? 'japanese' : bold ? 'latinBold' : 'latin');
      doc.text(r.text, { continued: i < runs.length - 1 });
    });
    if (runs.length === 0) doc.text('');
  };
  const party = (title: string, p: NonNullable<Invoice['seller']>) => {
    write(title, 9, true);
    write(p.name);
    const a = p.address;
    for (const part of [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country]) if (part) write(part);
    if (p.vatId) write(`${L.vatId}: ${p.vatId}${p.vatStatus && p.vatStatus !== 'verified' ? ` (${L.notVerified})` : ''}`);
    doc.moveDown(0.5);
  };

  write(`${L.invoice} ${invoice.number ?? ''}`, 18, true);
  doc.moveDown(0.3);
  write(`${L.number}: ${invoice.number ?? ''}`);
  write(`${L.issued}: ${invoice.issueDate ?? ''}`);
  write(`${L.due}: ${invoice.dueDate ?? ''}`);
  write(`${L.period}: ${invoice.period}`);
  doc.moveDown();
  if (invoice.seller) party(L.seller, invoice.seller);
  if (invoice.buyer) party(L.buyer, invoice.buyer);
  doc.moveDown(0.5);
  write(L.lines, 12, true);
  for (const l of [...lines].sort((a, b) => a.ticketNumber - b.ticketNumber)) {
    doc.moveDown(0.4);
    write(`${l.reference} · ${L.model}: ${l.deviceModel} · ${l.quantity} × ${money(l.unitPriceMinor)} · ${L.amount}: ${money(l.netMinor)}`, 10, true);
    write(`${L.ref}: ${l.internalReference ?? '-'} · ${L.entered}: ${l.dataEntryDate} · ${L.shipped}: ${l.shipDate ?? '-'}`, 9);
    write(`${L.deliveredTo}: ${l.deliveryAddress}`, 9);
  }
  doc.moveDown();
  write(`${L.subtotal}: ${money(invoice.subtotalMinor ?? 0)}`);
  for (const v of invoice.vat ?? []) write(`${L.vat} ${formatRate(v.rateBp)} (${money(v.netMinor)}): ${money(v.vatMinor)}`);
  write(`${L.total}: ${money(invoice.totalMinor ?? 0)}`, 12, true);
  if (invoice.vatTreatment === 'intra_eu_reverse_charge') write(REVERSE_CHARGE_NOTE, 9);
  if (invoice.vatTreatment === 'export') write(EXPORT_NOTE, 9);
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
