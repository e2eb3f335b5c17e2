import { describe, expect, it } from 'vitest';
import { execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { OutboxEntity } from '#shared/adapters/dynamodb/entities/outbox.ts';
import { outboxPut } from '#shared/adapters/dynamodb/repositories/outbox.ts';
import { table } from '#shared/adapters/dynamodb/table.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { uniqueEmail } from '#test/support/identity.ts';
import { mailTo, waitForMail } from '#test/support/mailbox.ts';

const deps = async () => ({ sealer: await getSealer(), ids: systemIds, clock: systemClock });

describe('transactional outbox', () => {
  it('delivers an email written in a transaction to the SES mailbox, in the recipient locale, with text and HTML', async () => {
    const to = uniqueEmail();
    table();
    await execute(outboxPut({ template: 'account_exists', locale: 'fr', to, data: { name: 'Élodie' } }, await deps()));
    const mail = await waitForMail(to);
    expect(mail.subject).toBeTruthy();
    expect(mail.body.text).toContain('Élodie');
    expect(mail.body.html).toContain('lang="fr"');
  });

  it('stores secrets sealed, never in clear, and still delivers them', async () => {
    const to = uniqueEmail();
    table();
    const put = outboxPut({ template: 'signup_code', locale: 'en', to, data: { name: 'Sam', expiresInMinutes: 10 }, secret: { code: '493817' } }, await deps());
    await execute(put);
    const mail = await waitForMail(to);
    expect(mail.body.text).toContain('493817');
    // Nothing in the table holds the code in clear (an admin-side scan, not a request path).
    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME }));
    expect(JSON.stringify(Items)).not.toContain('493817');
  });

  it('sends nothing when the business write of the transaction fails', async () => {
    const to = uniqueEmail();
    table();
    const messageId = systemIds.next('msg');
    const now = new Date().toISOString();
    const clash = OutboxEntity.build(PutTransaction)
      .item({ messageId, kind: 'email', template: 'account_exists', locale: 'en', to: 'x@example.com', data: {}, status: 'sent', attempts: 0, createdAt: now })
      .options({ condition: { attr: 'messageId', exists: false } });
    await execute(clash);
    await expect(
      execute(outboxPut({ template: 'account_exists', locale: 'en', to, data: { name: 'Never' } }, await deps()), OutboxEntity.build(PutTransaction).item({ messageId, kind: 'email', template: 'x', locale: 'en', to: 'y@example.com', data: {}, status: 'pending', attempts: 0, createdAt: now }).options({ condition: { attr: 'messageId', exists: false } })),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailTo(to)).toHaveLength(0);
  });
});
