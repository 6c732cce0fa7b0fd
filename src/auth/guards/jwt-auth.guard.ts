import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

import { looksLikeApiKey } from '../../api-keys/api-key-secret.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { UnauthenticatedError } from '../../common/errors/domain-error.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthenticatedRequest } from '../authenticated-user.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { ACCEPTS_QUERY_TOKEN } from '../decorators/query-token.decorator.js';
import { AccessTokensService } from '../tokens/access-tokens.service.js';

/**
 * Global guard: every route needs a valid access token or API key unless marked @Public(). The
 * user (or key) is re-read on each request so that disabling a user, changing a role or revoking
 * a key takes effect at once.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokensService,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const acceptsQueryToken =
      this.reflector.getAllAndOverride<boolean>(ACCEPTS_QUERY_TOKEN, targets) ?? false;
    const token = bearerToken(request) ?? (acceptsQueryToken ? queryToken(request) : undefined);
    if (!token) throw new UnauthenticatedError('Missing bearer token');
    if (looksLikeApiKey(token)) {
      const caller = await this.apiKeys.authenticate(token);
      if (!caller) throw new UnauthenticatedError('Invalid or revoked API key');
      request.user = caller;
      return true;
    }

    const claims = await this.accessTokens.verify(token);
    if (!claims) throw new UnauthenticatedError('Invalid or expired token');
    const user = await this.users.findById(claims.sub);
    if (!user || user.disabled || claims.iat < Math.floor(user.passwordChangedAt.getTime() / 1000)) {
      throw new UnauthenticatedError('Invalid or expired token');
    }
    request.user = { id: user.id, email: user.email, name: user.name, role: user.role };
    return true;
  }
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function queryToken(request: Request): string | undefined {
  const value = request.query.access_token;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
