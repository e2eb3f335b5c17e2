import { listPendingReviews as queue } from '#shared/adapters/dynamodb/repositories/review-queue.ts';
import { listReviews } from '#shared/contracts/routes/reviews.ts';
import { listPendingReviews } from '#shared/domain/reviews/decide-review.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const deps = { store: { listPending: queue }, clock: systemClock };

export const handler = apiHandler(listReviews)(async ({ query, auth }) => {
  // A cursor only works for the staff member who got it, with the same filter.
  const scope = `listReviews#${auth.userId}#${query.kind ?? '*'}`;
  const startKey = await decodeCursor(query.cursor, scope);
  const page = await listPendingReviews({ kind: query.kind, limit: query.limit, startKey }, deps);
  return { status: 200, body: { items: page.items, nextCursor: await encodeCursor(page.lastKey, scope) } };
});
