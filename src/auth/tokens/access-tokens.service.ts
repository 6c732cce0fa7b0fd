import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { AppConfig } from '../../config/app-config.js';
import type { Role } from '../../users/user.entity.js';

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  /** Issued-at, seconds since the epoch (set by the signer). */
  iat: number;
}

/** Signs and verifies short-lived HS256 access tokens; nothing but HS256 is ever accepted. */
@Injectable()
export class AccessTokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }

  sign(userId: string, role: Role): Promise<string> {
    return this.jwt.signAsync(
      { sub: userId, role },
      { secret: this.config.jwt.secret, algorithm: 'HS256', expiresIn: this.config.jwt.accessTtlSeconds },
    );
  }

  /** The token's claims, or undefined for any token that is malformed, forged, expired or not HS256. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<Partial<AccessTokenClaims>>(token, {
        secret: this.config.jwt.secret,
        algorithms: ['HS256'],
      });
      if (typeof claims.sub !== 'string' || typeof claims.iat !== 'number') return undefined;
      return claims as AccessTokenClaims;
    } catch {
      return undefined;
    }
  }
}
