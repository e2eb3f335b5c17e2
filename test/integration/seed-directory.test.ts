import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '#shared/adapters/dynamodb/commands.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoData } from '#infra/local/seed.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { signIn } from '#test/support/identity.ts';

/** The demo seed writes memberships with their member copies and orgs into their user lists (P52), idempotently. */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('the demo seed and the org user list', () => {
  it('lists the seeded members with their names and emails, and the SSO status, after a second run too', async () => {
    await seedDemoData();
    await seedDemoData();
    const admin = DEMO_ACCOUNTS.find((a) => a.email === 'admin@acme.example');
    const partner = DEMO_ACCOUNTS.find((a) => a.email === 'partner@partnerline.example');
    const acme = await api.call('GET', '/account/users', { token: (await signIn('admin@acme.example', DEMO_PASSWORD)).accessToken });
    expect(acme.status, acme.text).toBe(200);
    expect(acme.body.sso.enabled).toBe(false);
    expect(acme.body.members.map((m: { name: string; email: string; role: string }) => [m.name, m.email, m.role]).sort()).toEqual([
      [admin?.name, 'admin@acme.example', 'site_admin'],
      ['Bruno Buyer', 'buyer@acme.example', 'buyer'],
    ]);
    const partnerline = await api.call('GET', '/account/users', { token: (await signIn('partner@partnerline.example', DEMO_PASSWORD)).accessToken });
    expect(partnerline.body.sso.enabled).toBe(true);
    expect(partnerline.body.members).toEqual([expect.objectContaining({ name: partner?.name, email: 'partner@partnerline.example', you: true })]);
    const me = partnerline.body.members[0] as { userId: string };
    expect(await getItem(keys.membership(me.userId, 'org_demopartner01'))).toMatchObject({ userName: partner?.name, userEmail: 'partner@partnerline.example' });
  });
});
