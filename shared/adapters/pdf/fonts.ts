/**
 * The invoice renderer's source and fonts (repository-relative): read by the renderer at run time and by
 * CDK, which bundles the renderer separately and copies these fonts next to it (`pdf/fonts/`).
 * DejaVu Sans covers Latin, Greek and Cyrillic (en, fr, de, sv); Noto Sans JP covers kana and kanji (ja).
 */
export const INVOICE_PDF_RENDERER = 'shared/adapters/pdf/render-invoice.ts';

export const FONT_FILES = {
  latin: 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  latinBold: 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  japanese: 'node_modules/@openfonts/noto-sans-jp_japanese/files/noto-sans-jp-japanese-400.woff',
} as const;
