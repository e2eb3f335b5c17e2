import { NestedStack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import type { DataFileSet, ResourceUse } from '#shared/contracts/route.ts';
import type { StageConfig } from '#infra/config/stages.ts';
import { ContextRole, type PortalResources, PortalFunction, pascalCase } from '#infra/constructs/portal-function.ts';
import { acknowledge } from '#infra/nag.ts';

/** One API entry point, normalized from the route table (or the `$default` function). */
export interface ApiEndpoint {
  /** operationId (or the FunctionSpec id of the `$default` function): names the constructs. */
  readonly id: string;
  readonly handler: string;
  /** `GET /tickets/{ticketId}` or `$default`. */
  readonly routeKey: apigwv2.HttpRouteKey;
  /** No JWT authorizer; `publicReason` says why, for the policy gate. */
  readonly isPublic: boolean;
  readonly publicReason?: string;
  readonly uses: readonly ResourceUse[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly dataFiles?: readonly DataFileSet[];
  readonly description: string;
}

export interface RouteContextStackProps {
  readonly context: string;
  readonly endpoints: readonly ApiEndpoint[];
  readonly httpApi: apigwv2.IHttpApi;
  readonly config: StageConfig;
  readonly resources: PortalResources;
}

/**
 * The functions, integrations and routes of one context (`functions/<context>/`), in a nested stack.
 *
 * Why nested stacks: a route costs 5 resources (function, log group, integration, route, invoke
 * permission), so ~70 routes plus ~10 background functions and their queues and alarms would crowd the
 * 500-resource limit of a single stack. Per context, the parent stack pays one resource and each nested
 * stack stays small (test/infra/resource-budget.test.ts measures both). The context's functions share one
 * execution role holding the union of their grants (ContextRole).
 *
 * Routes without an explicit authorizer get the API's default one (the Cognito JWT authorizer), so only
 * routes declared public in the route table are reachable without a token.
 */
export class RouteContextStack extends NestedStack {
  readonly functions = new Map<string, PortalFunction>();

  constructor(scope: Construct, id: string, props: RouteContextStackProps) {
    super(scope, id, { description: `Support portal API, ${props.context} routes (${props.config.stage})` });
    const role = new ContextRole(this, 'ExecutionRole', { context: props.context });
    for (const endpoint of props.endpoints) {
      const name = pascalCase(endpoint.id);
      const fn = new PortalFunction(this, name, {
        handler: endpoint.handler,
        config: props.config,
        role,
        memoryMb: endpoint.memoryMb,
        timeoutSeconds: endpoint.timeoutSeconds,
        dataFiles: endpoint.dataFiles,
        description: endpoint.description,
      })
        .bindUses(endpoint.uses, props.resources)
        .bindCursorKey(props.resources.cursorKey);
      acknowledge(
        fn,
        'Serverless-LambdaDLQ',
        'Invoked synchronously by the HTTP API (Lambda proxy integration); a DeadLetterConfig only ever receives asynchronous invocations, and errors here go back to the caller as HTTP responses.',
      );
      const route = new apigwv2.HttpRoute(this, `${name}Route`, {
        httpApi: props.httpApi,
        routeKey: endpoint.routeKey,
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
        authorizer: endpoint.isPublic ? new apigwv2.HttpNoneAuthorizer() : undefined,
      });
      if (endpoint.isPublic) {
        if (!endpoint.publicReason) throw new Error(`Public endpoint ${endpoint.id} needs a publicReason`);
        acknowledge(route, 'AwsSolutions-APIG4', endpoint.publicReason);
      }
      this.functions.set(endpoint.id, fn);
    }
  }
}
