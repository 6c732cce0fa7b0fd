import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

import { ErrorBodyDto } from '../errors/error-body.dto.js';

export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid input; `details` names each bad field',
  401: 'Missing, invalid or expired credentials',
  403: 'Signed in, but the role does not allow this',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'Body larger than 1 MiB',
  415: 'The body is not JSON: send Content-Type: application/json',
  422: 'Valid input that cannot be processed now',
  429: 'Too many attempts; retry later',
  503: 'A dependency (the database) is unavailable; retry later',
};

/**
 * Documents error responses, all with the common error body. The statuses that follow from how a
 * route is declared (a body, parameters, a bearer token) are added to the document by
 * `documentCommonErrorResponses`; this decorator names the ones only the route knows (404, 409, …).
 */
export function ApiErrorResponses(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorBodyDto }),
    ),
  );
}
