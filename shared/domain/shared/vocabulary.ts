/**
 * The domain's closed vocabularies, as plain constants. The zod contracts are built from these (not the
 * other way round), so domain code and email rendering never import zod.
 */
export const LOCALES = ['en', 'fr', 'de', 'sv', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

export const ORG_ROLES = ['site_admin', 'buyer', 'shopper', 'finance', 'report_viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const TIERS = ['basic', 'limited', 'enterprise', 'partner'] as const;
export type Tier = (typeof TIERS)[number];
