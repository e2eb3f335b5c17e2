import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jsonResult } from '#shared/http/errors.ts';
import { logger } from '#shared/lib/logger.ts';

/**
 * The API's `$default` route: any method/path not in the route table gets the error model's 404 (instead of
 * API Gateway's bare `{"message":"Not Found"}`), with the request id.
 */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const requestId = event.requestContext?.requestId ?? crypto.randomUUID();
  logger.warn('unknown route', { requestId, method: event.requestContext?.http?.method, path: event.rawPath });
  return jsonResult(
    404,
    { error: { type: 'not_found_error', code: 'route_not_found', message: 'No operation matches this method and path. See /openapi.json.' } },
    requestId,
  );
};
