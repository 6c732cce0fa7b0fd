import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../errors/error-body.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details` names each bad field',
  401: 'Missing, invalid or expired credentials',
  403: 'Signed in, but the role does not allow this',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'Body larger than 1 MiB',
  422: 'Valid input that cannot be processed now',
  429: 'Too many attempts; retry later',
  503: 'A dependency (the database) is unavailable; retry later',
};

/** Documents error responses, all with the common error body. */
export function ApiErrorResponses(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorBodyDto }),
    ),
  );
}
