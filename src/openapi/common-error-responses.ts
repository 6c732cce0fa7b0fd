import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';

import { ERROR_DESCRIPTIONS } from '../common/http/api-error-responses.decorator.js';
import { isWebhookPath } from '../common/http/webhook-routes.js';

const ERROR_BODY = { $ref: '#/components/schemas/ErrorBodyDto' };
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function takesJsonBody(operation: OperationObject, path: string): boolean {
  const body = operation.requestBody;
  if (!body || '$ref' in body || isWebhookPath(path)) return false;
  const types = Object.keys(body.content);
  return types.length === 1 && types[0] === 'application/json';
}

/** The error statuses every operation of a kind can answer, whatever its handler does. */
function commonErrorStatuses(operation: OperationObject, path: string): number[] {
  const statuses: number[] = [];
  // The body parser answers 400 for malformed JSON and 413 past the body limit, on every route.
  if (operation.requestBody) statuses.push(400, 413);
  // A JSON body sent as another type (a form, text) is refused (JsonContentTypeInterceptor). Provider
  // webhooks read their bytes themselves, whatever the type, so theirs is not.
  if (takesJsonBody(operation, path)) statuses.push(415);
  // Path and query parameters go through validation pipes.
  if ((operation.parameters ?? []).length > 0) statuses.push(400);
  // The global auth guard answers 401, and reads the user from the database on every request.
  if ((operation.security ?? []).length > 0) statuses.push(401, 503);
  return [...new Set(statuses)];
}

/**
 * Completes every operation's responses with the errors that follow from how it is declared, and
 * gives every error response the one error body as JSON: the exception filter answers every error
 * so, also on routes whose success is XML or an event stream.
 */
export function documentCommonErrorResponses(document: OpenAPIObject): void {
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      for (const status of commonErrorStatuses(operation, path)) {
        operation.responses[String(status)] ??= { description: ERROR_DESCRIPTIONS[status] };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && response && !('$ref' in response))
          response.content = { 'application/json': { schema: ERROR_BODY } };
      }
      operation.responses = sortedByStatus(operation.responses);
    }
  }
}

function sortedByStatus<T>(responses: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}
