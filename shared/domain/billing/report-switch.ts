import { ForbiddenError } from '../errors.ts';
import type { BillingSettings } from './model.ts';

/**
 * BI-1: invoices are available when the org's billing report is enabled (SD-5 setting); never set = enabled.
 * The invoice routes and the AC-8 invoice report both ask it (a module of its own: the report's bundle does
 * not carry billing's invoice code for one check).
 */
export function requireBillingReport(settings: Pick<BillingSettings, 'reportEnabled'> | undefined) {
  if (settings && !settings.reportEnabled) {
    throw new ForbiddenError('billing_report_disabled', "Invoices are not available: your organization's billing report is disabled (billing settings).");
  }
}
