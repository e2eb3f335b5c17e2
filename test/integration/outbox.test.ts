import { describe, expect, it } from 'vitest';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { Expr, transact, txPut } from '#shared/adapters/dynamodb/commands.ts';
import { OUTBOX_ENTITY } from '#shared/adapters/dynamodb/entities/outbox.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { outboxPut } from '#shared/adapters/dynamodb/repositories/outbox.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { uniqueEmail } from '#test/support/identity.ts';
import { mailTo, waitForMail } from '#test/support/mailbox.ts';

const deps = async () => ({ sealer: await getSealer(), ids: systemIds, clock: systemClock });

describe('transactional outbox', () => {
  it('delivers an email written in a transaction to the SES mailbox, in the recipient locale, with text and HTML', async () => {
    const to = uniqueEmail();
    await transact([outboxPut({ template: 'account_exists', locale: 'fr', to, data: { name: 'Élodie' } }, await deps())]);
    const mail = await waitForMail(to);
    expect(mail.subject).toBeTruthy();
    expect(mail.body.text).toContain('Élodie');
    expect(mail.body.html).toContain('lang="fr"');
  });

  it('stores secrets sealed, never in clear, and still delivers them', async () => {
    const to = uniqueEmail();
    const put = outboxPut({ template: 'signup_code', locale: 'en', to, data: { name: 'Sam', expiresInMinutes: 10 }, secret: { code: '493817' } }, await deps());
    await transact([put]);
    const mail = await waitForMail(to);
    expect(mail.body.text).toContain('493817');
    // Nothing in the table holds the code in clear (an admin-side scan, not a request path).
    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME }));
    expect(JSON.stringify(Items)).not.toContain('493817');
  });

  it('sends nothing when the business write of the transaction fails', async () => {
    const to = uniqueEmail();
    const messageId = systemIds.next('msg');
    const now = new Date().toISOString();
    const outboxItem = (fields: Record<string, unknown>) => ({ ...keys.outbox(messageId), _et: OUTBOX_ENTITY, messageId, kind: 'email', locale: 'en', data: {}, attempts: 0, createdAt: now, ...fields });
    await transact([txPut(outboxItem({ template: 'account_exists', to: 'x@example.com', status: 'sent' }), new Expr().exists('pk', false))]);
    await expect(
      transact([
        outboxPut({ template: 'account_exists', locale: 'en', to, data: { name: 'Never' } }, await deps()),
        txPut(outboxItem({ template: 'x', to: 'y@example.com', status: 'pending' }), new Expr().exists('pk', false)),
      ]),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailTo(to)).toHaveLength(0);
  });
});
