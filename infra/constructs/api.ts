import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '#shared/contracts/functions.ts';
import { type RouteSpec, routeKey } from '#shared/contracts/route.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { type ApiEndpoint, RouteContextStack } from '#infra/stacks/route-context-stack.ts';
import type { Alarms } from './alarms.ts';
import { type PortalResources, contextOf, pascalCase, routeUses } from './portal-function.ts';

/** Request headers the SPA may send cross-origin; anything else fails the preflight. */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-org-id'] as const;
export const CORS_EXPOSE_HEADERS = ['x-request-id'] as const;

/** Access log line: one JSON object per request (CloudWatch Logs Insights discovers the fields). */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationErrorMessage: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

export interface ApiProps {
  readonly config: StageConfig;
  /** The route table. */
  readonly routes: readonly RouteSpec[];
  /** The `backgroundFunctions` entry with trigger `api-default`: answers every unmatched request. */
  readonly defaultRoute?: FunctionSpec;
  readonly resources: PortalResources;
  readonly alarms: Alarms;
}

/**
 * The HTTP API. Defaults:
 * - JWT authorizer on the Cognito user pool (issuer `https://cognito-idp.<region>.amazonaws.com/<pool>`,
 *   audience the SPA client) as the API's default authorizer: a route is public only when the route table
 *   says `auth.kind: 'public'`;
 * - one function + Lambda proxy integration (payload 2.0) + route per route-table entry, grouped per
 *   context in nested stacks (RouteContextStack), plus `$default` -> the `api-default` function (404 in
 *   the error model instead of API Gateway's bare one);
 * - CORS preflight answered by API Gateway for the stage's exact origins, the route table's methods, the
 *   headers in CORS_ALLOW_HEADERS, exposing `x-request-id`, cached 1 h, no credentials (bearer tokens);
 * - `$default` stage, auto-deployed, throttled at the stage's rate/burst, JSON access logs
 *   (ACCESS_LOG_FIELDS) to a log group with the stage's retention;
 * - an alarm on any 5xx.
 */
export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly contexts = new Map<string, RouteContextStack>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config, resources } = props;
    const region = Stack.of(this).region;
    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${region}.amazonaws.com/${resources.users.userPoolId}`,
      { jwtAudience: [resources.users.userPoolClientId], identitySource: ['$request.header.Authorization'] },
    );
    const methods = [...new Set(props.routes.map((r) => r.method))].sort();
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: `Support portal API (${config.stage})`,
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      corsPreflight: {
        allowOrigins: [...config.corsOrigins],
        allowMethods: methods.map((m) => apigwv2.CorsHttpMethod[m]),
        allowHeaders: [...CORS_ALLOW_HEADERS],
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        allowCredentials: false,
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const byContext = new Map<string, ApiEndpoint[]>();
    const add = (endpoint: ApiEndpoint) => {
      const context = contextOf(endpoint.handler);
      byContext.set(context, [...(byContext.get(context) ?? []), endpoint]);
    };
    const seen = new Set<string>();
    for (const route of props.routes) {
      const key = routeKey(route);
      if (seen.has(key)) throw new Error(`Duplicate route ${key} (${route.operationId})`);
      seen.add(key);
      add({
        id: route.operationId,
        handler: route.handler,
        routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
        isPublic: route.auth.kind === 'public',
        publicReason: `${route.operationId} (${key}) is declared auth.kind 'public' in the route table (shared/contracts/routes), the single source of truth for who may call what; it must answer callers without a token.`,
        uses: routeUses(route),
        memoryMb: route.lambda?.memoryMb,
        timeoutSeconds: route.lambda?.timeoutSeconds,
        dataFiles: route.lambda?.dataFiles,
        description: `${key} (${route.operationId})`,
      });
    }
    if (props.defaultRoute) {
      const spec = props.defaultRoute;
      add({
        id: spec.id,
        handler: spec.handler,
        routeKey: apigwv2.HttpRouteKey.DEFAULT,
        isPublic: true,
        publicReason:
          'The $default catch-all only answers 404 in the API error model for unknown methods and paths; it must answer without a token (an unknown path is not an auth failure), and its function is granted no data access.',
        uses: spec.uses ?? [],
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
        description: spec.description,
      });
    }
    for (const [context, endpoints] of [...byContext].sort(([a], [b]) => a.localeCompare(b))) {
      this.contexts.set(
        context,
        new RouteContextStack(this, `${pascalCase(context)}Routes`, {
          context,
          endpoints,
          httpApi: this.httpApi,
          config,
          resources,
        }),
      );
    }

    props.alarms.notify(
      new cloudwatch.Alarm(this, 'ServerErrors', {
        alarmDescription: `Support portal API (${config.stage}) answered 5xx: a handler failed or an integration broke`,
        metric: this.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  get url(): string {
    return this.stage.url;
  }
}
