import { Injectable } from '@nestjs/common';

import { UnauthenticatedError } from '../common/errors/domain-error.js';
import { PasswordHasher } from '../users/password-hasher.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccessTokensService } from './tokens/access-tokens.service.js';
import { RefreshTokensService } from './tokens/refresh-tokens.service.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** One message for every failed login, so a caller cannot tell which emails exist. */
const BAD_CREDENTIALS = 'Invalid email or password';
const BAD_REFRESH = 'Invalid refresh token';

@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
  ) {
    this.decoyHash = hasher.hash('decoy password that matches nothing');
  }

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.users.findByEmail(email);
    const valid = await this.hasher.verify(user?.passwordHash ?? (await this.decoyHash), password);
    if (!user || !valid || user.disabled) throw new UnauthenticatedError(BAD_CREDENTIALS);
    return this.issuePair(user, await this.refreshTokens.issue(user.id));
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const result = await this.refreshTokens.rotate(refreshToken, async (userId, issuedAt) => {
      const user = await this.users.findById(userId);
      return Boolean(user && !user.disabled && issuedAt >= user.passwordChangedAt);
    });
    if (result.outcome === 'rejected') throw new UnauthenticatedError(BAD_REFRESH);
    const user = await this.users.findById(result.userId);
    if (!user) throw new UnauthenticatedError(BAD_REFRESH);
    return this.issuePair(user, result.token);
  }

  logout(userId: string, refreshToken: string): Promise<void> {
    return this.refreshTokens.revoke(refreshToken, userId);
  }

  private async issuePair(user: User, refreshToken: string): Promise<TokenPair> {
    return {
      accessToken: await this.accessTokens.sign(user.id, user.role),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }
}
