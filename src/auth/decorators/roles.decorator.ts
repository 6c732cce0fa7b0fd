import { applyDecorators, SetMetadata } from '@nestjs/common';

import { ApiErrorResponses } from '../../common/http/api-error-responses.decorator.js';
import type { Role } from '../../users/user.entity.js';

export const REQUIRED_ROLES = 'auth:roles';

/**
 * Restricts a route or controller to the given roles; without it any signed-in user may call.
 * The 403 it can cause is documented with it.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiErrorResponses(403));
