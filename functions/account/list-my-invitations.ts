import { invitationsFor } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listMyInvitations } from '#shared/contracts/routes/account.ts';
import { listMyInvitations as list } from '#shared/domain/account/users.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { invitationsFor };

export const handler = apiHandler(listMyInvitations)(async ({ auth }) => ({ status: 200, body: await list(auth, { store, clock: systemClock }) }));
