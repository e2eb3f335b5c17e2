import type { RouteSpec } from '../route.ts';
import { accountRoutes } from './account.ts';
import { billingRoutes } from './billing.ts';
import { deskRoutes } from './desk.ts';
import { identityRoutes } from './identity.ts';
import { onboardingRoutes } from './onboarding.ts';
import { reviewRoutes } from './reviews.ts';
import { systemRoutes } from './system.ts';

/**
 * THE route table. The CDK API, the local server, the OpenAPI document and the authorization-matrix test
 * all iterate over this list, so a route added here is deployed, served, documented and tested, and a
 * route missing from any of them fails `npm test`.
 */
export const routes: readonly RouteSpec[] = [...systemRoutes, ...identityRoutes, ...onboardingRoutes, ...reviewRoutes, ...deskRoutes, ...accountRoutes, ...billingRoutes];
