import type { RequestSpec, ResponseSpec, RouteSpec } from '#shared/contracts/route.ts';
import { dynamoPrincipalStore } from '#shared/adapters/dynamodb/repositories/principals.ts';
import { createRouteHandler } from './route-handler.ts';

/** `createRouteHandler` with the production principal store (profile + memberships from DynamoDB). */
export function apiHandler<R extends RouteSpec<RequestSpec, Record<number, ResponseSpec>>>(route: R) {
  return createRouteHandler(route, { principals: dynamoPrincipalStore });
}
