import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../users/user.entity.js';

export const REQUIRED_ROLES = 'auth:roles';

/** Restricts a route or controller to the given roles; without it any signed-in user may call. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
