import type { InvoiceFiles, InvoiceRenderer } from '#shared/domain/billing/ports.ts';
import { presignDownload, putObject } from '../s3/objects.ts';

/** Invoice PDFs in the files bucket (shared S3 helper: aws4fetch, no SDK). */
export const s3InvoiceFiles: InvoiceFiles = {
  put: (key, pdf) => putObject(key, pdf, 'application/pdf'),
  presignDownload: (key, fileName, expiresInSeconds) => presignDownload(key, fileName, 'application/pdf', expiresInSeconds),
};

/**
 * The renderer, loaded on first use only. In Lambda it is the separate bundle CDK puts beside the handler
 * (`pdf/render-invoice.mjs` with `pdf/fonts/`), so pdfkit and fontkit (~1 MB) stay out of the handler's
 * 450 KB budget and out of its cold start; elsewhere (local stack, tests) the TypeScript module itself.
 * The specifiers are computed so that esbuild does not inline the renderer into the handler bundle.
 */
let renderer: Promise<InvoiceRenderer> | undefined;
export function loadInvoiceRenderer(): Promise<InvoiceRenderer> {
  renderer ??= (async () => {
    const root = process.env.LAMBDA_TASK_ROOT;
    const specifier = root ? `file://${root}/pdf/render-invoice.mjs` : ['..', 'pdf', 'render-invoice.ts'].join('/');
    const mod = (await import(root ? specifier : new URL(specifier, import.meta.url).href)) as { renderInvoicePdf: InvoiceRenderer };
    return mod.renderInvoicePdf;
  })();
  return renderer;
}
