import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { OutboxEntity } from '../entities/outbox.ts';
import { keys } from '../keys.ts';

/**
 * The outbox half of a business transaction: callers pass the result to `execute(...)` together with
 * their own writes, so the email exists if and only if the change does.
 */
export function outboxPut(req: EmailRequest, deps: { sealer: Sealer; ids: Ids; clock: Clock }) {
  const messageId = deps.ids.next('msg');
  const createdAt = deps.clock.now().toISOString();
  const hasSecret = req.secret !== undefined && Object.keys(req.secret).length > 0;
  return OutboxEntity.build(PutTransaction)
    .item({
      messageId,
      kind: 'email',
      template: req.template,
      locale: req.locale,
      to: req.to,
      data: req.data,
      sealed: hasSecret ? deps.sealer.seal(JSON.stringify(req.secret)) : undefined,
      status: 'pending',
      attempts: 0,
      createdAt,
      ...keys.outboxPending(createdAt, messageId),
    })
    .options({ condition: { attr: 'messageId', exists: false } });
}
