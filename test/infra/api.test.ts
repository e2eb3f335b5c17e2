import { describe, expect, it } from 'vitest';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import { routeKey } from '#shared/contracts/route.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { ENV } from '#shared/config/env.ts';
import { ACCESS_LOG_FIELDS, CORS_ALLOW_HEADERS } from '#infra/constructs/api.ts';
import { stages } from '#infra/config/stages.ts';
import {
  type Located,
  bundleOf,
  loadTemplates,
  prop,
  refOf,
  resourceIn,
  resourcesOfType,
  rootTemplate,
} from './assembly.ts';

const config = stages.dev;
const templates = loadTemplates();
const root = rootTemplate(templates);
const apiRoutes = resourcesOfType(templates, 'AWS::ApiGatewayV2::Route');

/** route -> its integration -> the function it invokes (all in the route's own template). */
function functionBehind(route: Located): Located {
  const target = prop<{ 'Fn::Join': [string, unknown[]] }>(route.resource, 'Target');
  const integrationId = refOf(target?.['Fn::Join'][1][1]);
  if (!integrationId) throw new Error(`${route.logicalId} has no integration target`);
  const integration = resourceIn(templates, route.file, integrationId);
  expect(prop(integration, 'IntegrationType')).toBe('AWS_PROXY');
  expect(prop(integration, 'PayloadFormatVersion')).toBe('2.0');
  const fnId = refOf(prop(integration, 'IntegrationUri'));
  if (!fnId) throw new Error(`${integrationId} does not point at a function of ${route.file}`);
  return { file: route.file, logicalId: fnId, resource: resourceIn(templates, route.file, fnId) };
}

describe('the HTTP API', () => {
  it('has exactly one route per route-table entry, plus $default', () => {
    const keys = apiRoutes.map((r) => prop<string>(r.resource, 'RouteKey'));
    expect(keys.sort()).toEqual([...routes.map(routeKey), '$default'].sort());
  });

  it.each(routes.map((r) => [routeKey(r), r] as const))('%s requires a JWT unless the route table says public', (_key, route) => {
    const [apiRoute] = apiRoutes.filter((r) => prop(r.resource, 'RouteKey') === routeKey(route));
    if (!apiRoute) throw new Error(`no API route for ${routeKey(route)}`);
    if (route.auth.kind === 'public') {
      expect(prop(apiRoute.resource, 'AuthorizationType')).toBe('NONE');
    } else {
      expect(prop(apiRoute.resource, 'AuthorizationType')).toBe('JWT');
      expect(prop(apiRoute.resource, 'AuthorizerId')).toBeDefined();
    }
  });

  it.each(routes.map((r) => [routeKey(r), r] as const))('%s invokes a function bundled from its handler module', (_key, route) => {
    const [apiRoute] = apiRoutes.filter((r) => prop(r.resource, 'RouteKey') === routeKey(route));
    if (!apiRoute) throw new Error(`no API route for ${routeKey(route)}`);
    const fn = functionBehind(apiRoute);
    expect(bundleOf(fn.resource).output.entryPoint).toBe(`functions/${route.handler}.ts`);
    expect(prop(fn.resource, 'Handler')).toBe('index.handler');
  });

  it('sends unmatched requests to the api-default function', () => {
    const spec = backgroundFunctions.find((f) => f.trigger === 'api-default');
    const [defaultRoute] = apiRoutes.filter((r) => prop(r.resource, 'RouteKey') === '$default');
    if (!spec || !defaultRoute) throw new Error('no api-default function or no $default route');
    expect(prop(defaultRoute.resource, 'AuthorizationType')).toBe('NONE');
    expect(bundleOf(functionBehind(defaultRoute).resource).output.entryPoint).toBe(`functions/${spec.handler}.ts`);
  });

  it('deploys one function per route and background function, and no others', () => {
    expect(resourcesOfType(templates, 'AWS::Lambda::Function')).toHaveLength(routes.length + backgroundFunctions.length);
  });

  it('checks tokens against the Cognito pool issuer, for the SPA client', () => {
    const [authorizer] = resourcesOfType(templates, 'AWS::ApiGatewayV2::Authorizer');
    const [pool] = resourcesOfType(templates, 'AWS::Cognito::UserPool');
    const [client] = resourcesOfType(templates, 'AWS::Cognito::UserPoolClient');
    expect(resourcesOfType(templates, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(1);
    expect(prop(authorizer!.resource, 'AuthorizerType')).toBe('JWT');
    expect(prop(authorizer!.resource, 'IdentitySource')).toEqual(['$request.header.Authorization']);
    expect(prop(authorizer!.resource, 'JwtConfiguration.Issuer')).toEqual({
      'Fn::Join': ['', [`https://cognito-idp.${config.region}.amazonaws.com/`, { Ref: pool!.logicalId }]],
    });
    expect(prop(authorizer!.resource, 'JwtConfiguration.Audience')).toEqual([{ Ref: client!.logicalId }]);
  });

  it("throttles the $default stage at the stage's rate and burst and writes JSON access logs", () => {
    root.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: config.throttle.rateLimit, ThrottlingBurstLimit: config.throttle.burstLimit },
    });
    const [stage] = resourcesOfType(templates, 'AWS::ApiGatewayV2::Stage');
    const format = JSON.parse(prop<string>(stage!.resource, 'AccessLogSettings.Format') ?? '{}') as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(Object.keys(format)).toEqual(
      expect.arrayContaining(['requestId', 'ip', 'requestTime', 'httpMethod', 'routeKey', 'status', 'protocol', 'responseLength', 'integrationErrorMessage', 'authorizerError']),
    );
    const logGroupId = refOf(prop(stage!.resource, 'AccessLogSettings.DestinationArn'));
    expect(prop(resourceIn(templates, root.file, logGroupId ?? ''), 'RetentionInDays')).toBe(config.logRetention);
  });

  it('answers CORS preflights for the configured origins and the route table methods only', () => {
    root.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [...config.corsOrigins],
        AllowMethods: [...new Set(routes.map((r) => r.method))].sort(),
        AllowHeaders: [...CORS_ALLOW_HEADERS],
        ExposeHeaders: ['x-request-id'],
        AllowCredentials: false,
      },
    });
  });

  it('gives API functions the table only when they read it, and never mail or user admin they did not ask for', () => {
    for (const route of routes) {
      const [apiRoute] = apiRoutes.filter((r) => prop(r.resource, 'RouteKey') === routeKey(route));
      const env = prop<Record<string, unknown>>(functionBehind(apiRoute!).resource, 'Environment.Variables') ?? {};
      const uses = new Set(route.lambda?.uses ?? []);
      expect(ENV.tableName in env, route.operationId).toBe(route.auth.kind !== 'public' || uses.has('table:read') || uses.has('table:write'));
      expect(ENV.mailFrom in env, route.operationId).toBe(uses.has('mail'));
      expect(ENV.userPoolId in env, route.operationId).toBe(uses.has('users'));
    }
  });

  it('outputs the API URL, user pool, client and table names', () => {
    expect(Object.keys(root.json.Outputs ?? {})).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName']));
  });
});
