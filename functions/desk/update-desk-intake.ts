import { updateDeskIntake } from '#shared/contracts/routes/desk.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { updateDeskIntake as update } from '#shared/domain/desk/workflow.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore({ sealer: getSealer });

export const handler = apiHandler(updateDeskIntake)(async ({ body }) => ({ status: 200, body: await update(body, { store, clock: systemClock }) }));
