import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ForbiddenError } from '../../common/errors/domain-error.js';
import type { Role } from '../../users/user.entity.js';
import type { AuthenticatedRequest } from '../authenticated-user.js';
import { REQUIRED_ROLES } from '../decorators/roles.decorator.js';

/** Global guard, after the JWT guard: enforces @Roles() where present. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user || !roles.includes(user.role)) {
      throw new ForbiddenError(`This action needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}
