import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

import { UnauthenticatedError } from '../../common/errors/domain-error.js';
import type { AuthenticatedRequest, AuthenticatedUser } from '../authenticated-user.js';

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user) throw new UnauthenticatedError();
    return user;
  },
);
