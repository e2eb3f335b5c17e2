import type { WarrantyPlan } from './model.ts';

/**
 * The device models the vendor offers today, with their product family and the support that ships with
 * them, and the models it no longer offers with their successor. Used where the account page needs to know
 * about models: a shipped device's family and standard warranty (AC-5), and what changed when an old order
 * is placed again (AC-4). Kept as data in code on purpose: it changes with the vendor's range (a few times a
 * year), is reviewed like code, and needs no read on the request path. A product catalog service would
 * replace `CATALOG` behind the same functions.
 */
export interface CatalogModel {
  model: string;
  family: string;
  warranty: { plan: WarrantyPlan; years: number };
}

const M = (model: string, family: string, plan: WarrantyPlan, years: number): CatalogModel => ({ model, family, warranty: { plan, years } });

export const CATALOG: readonly CatalogModel[] = [
  M('Latitude 3550', 'Latitude', 'basic', 1),
  M('Latitude 5450', 'Latitude', 'pro_support', 3),
  M('Latitude 7450', 'Latitude', 'pro_support', 3),
  M('Latitude 9450', 'Latitude', 'pro_support_plus', 3),
  M('Precision 3591', 'Precision', 'pro_support', 3),
  M('Precision 5690', 'Precision', 'pro_support_plus', 3),
  M('OptiPlex 7020', 'OptiPlex', 'basic', 3),
  M('Pro 14 Plus', 'Pro', 'pro_support', 3),
];

/** Models no longer offered, and the model that replaces each (absent: no direct successor). */
export const DISCONTINUED: Readonly<Record<string, string | undefined>> = {
  'Latitude 3540': 'Latitude 3550',
  'Latitude 5440': 'Latitude 5450',
  'Latitude 7440': 'Latitude 7450',
  'Latitude 9440': 'Latitude 9450',
  'Precision 3581': 'Precision 3591',
  'OptiPlex 7010': 'OptiPlex 7020',
  'Latitude 5420': undefined,
};

/** Support of a device whose model the catalog does not know (an import or an old shipment). */
export const DEFAULT_WARRANTY = { plan: 'basic', years: 1 } as const satisfies CatalogModel['warranty'];

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

export function findModel(model: string): CatalogModel | undefined {
  const key = norm(model);
  return CATALOG.find((m) => norm(m.model) === key);
}

export type ModelAvailability =
  | { status: 'offered'; model: CatalogModel }
  | { status: 'discontinued'; replacement?: CatalogModel | undefined }
  | { status: 'unknown' };

export function availabilityOf(model: string): ModelAvailability {
  const offered = findModel(model);
  if (offered) return { status: 'offered', model: offered };
  const key = norm(model);
  const entry = Object.entries(DISCONTINUED).find(([name]) => norm(name) === key);
  if (entry) return { status: 'discontinued', replacement: entry[1] ? findModel(entry[1]) : undefined };
  return { status: 'unknown' };
}

/**
 * The product family of a model: the catalog's, else the model name's first word ("Latitude 5440" ->
 * "Latitude"), which is how the vendor names its lines.
 */
export function familyOf(model: string): string {
  const known = findModel(model) ?? (() => {
    const a = availabilityOf(model);
    return a.status === 'discontinued' ? a.replacement : undefined;
  })();
  if (known) return known.family;
  const first = model.trim().split(/\s+/)[0];
  return first && first.length > 0 ? first : 'Other';
}
