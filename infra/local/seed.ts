import type { OrgRole } from '#shared/contracts/common.ts';
import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import { ACCESS_GROUP, type Org, type Tier } from '#shared/domain/identity/model.ts';
import { IdentityExistsError } from '#shared/domain/identity/ports.ts';

/** Shared by every demo account; long enough for the 12-character policy. */
export const DEMO_PASSWORD = 'Portal-Demo-2026!';

const T0 = '2026-01-05T09:00:00.000Z';

export const DEMO_ORGS: Org[] = [
  { orgId: 'org_demoacme0001', name: 'Acme Industries', kind: 'customer', country: 'FR', domains: ['acme.example'], defaultRole: 'buyer', ssoEnabled: false, createdAt: T0 },
  { orgId: 'org_demopartner01', name: 'Partnerline AB', kind: 'partner', country: 'SE', domains: ['partnerline.example'], defaultRole: 'buyer', ssoEnabled: true, createdAt: T0 },
  // Two public bodies sharing one email domain: a user of health.example picks one of them.
  { orgId: 'org_demohealthn01', name: 'Public Health Agency - North', kind: 'customer', country: 'SE', domains: ['health.example'], defaultRole: 'shopper', ssoEnabled: false, createdAt: T0 },
  { orgId: 'org_demohealths01', name: 'Public Health Agency - South', kind: 'customer', country: 'SE', domains: ['health.example'], defaultRole: 'shopper', ssoEnabled: false, createdAt: T0 },
];

export interface DemoAccount {
  email: string;
  password: string;
  role: string;
  name: string;
  tier: Tier;
  staff?: boolean;
  org?: { orgId: string; role: OrgRole };
  locale: 'en' | 'fr' | 'de' | 'sv' | 'ja';
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'staff@vendor.example', password: DEMO_PASSWORD, role: 'vendor staff', name: 'Vera Staff', tier: 'basic', staff: true, locale: 'en' },
  { email: 'admin@acme.example', password: DEMO_PASSWORD, role: 'site admin, Acme Industries', name: 'Amélie Admin', tier: 'enterprise', org: { orgId: 'org_demoacme0001', role: 'site_admin' }, locale: 'fr' },
  { email: 'buyer@acme.example', password: DEMO_PASSWORD, role: 'buyer, Acme Industries', name: 'Bruno Buyer', tier: 'enterprise', org: { orgId: 'org_demoacme0001', role: 'buyer' }, locale: 'fr' },
  { email: 'partner@partnerline.example', password: DEMO_PASSWORD, role: 'site admin, Partnerline AB (partner)', name: 'Per Partner', tier: 'partner', org: { orgId: 'org_demopartner01', role: 'site_admin' }, locale: 'sv' },
];


/**
 * Idempotent demo data: re-running it on a file-backed `.local/` changes nothing. Orgs and domains go
 * through the same repository the onboarding uses; accounts are real Cognito users with profiles.
 */
export async function seedDemoData(): Promise<void> {
  const [acme, partner, north, south] = DEMO_ORGS as [Org, Org, Org, Org];
  for (const org of [acme, partner, north]) await ignoreConflict(() => directory.createOrg(org));
  await ignoreConflict(() => directory.addDomainOwner('health.example', south));

  const idp = cognitoIdentityProvider();
  for (const acct of DEMO_ACCOUNTS) {
    let userId: string;
    try {
      ({ userId } = await idp.createUser({ email: acct.email, password: acct.password, enabled: true, emailVerified: true }));
    } catch (e) {
      if (!(e instanceof IdentityExistsError)) throw e;
      userId = (await idp.findUserId(acct.email)) as string;
    }
    if (acct.staff) await idp.addToGroup(acct.email, process.env.STAFF_GROUP ?? 'vendor-staff');
    await directory.putProfile({
      userId,
      email: acct.email,
      name: acct.name,
      locale: acct.locale,
      emailVerified: true,
      status: 'active',
      tier: acct.tier,
      primaryOrgId: acct.org?.orgId,
      createdAt: T0,
      updatedAt: T0,
    });
    if (acct.org) {
      const org = DEMO_ORGS.find((o) => o.orgId === acct.org?.orgId) as Org;
      await directory.putMembership({
        userId,
        orgId: org.orgId,
        orgName: org.name,
        orgKind: org.kind,
        role: acct.org.role,
        accessGroup: ACCESS_GROUP[org.kind],
        joinedAt: T0,
      });
    }
  }
}

async function ignoreConflict(fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
  }
}
