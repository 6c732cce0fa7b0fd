import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';

import { AppConfig } from '../../config/app-config.js';
import { RefreshToken } from './refresh-token.entity.js';

export type RotationResult = { outcome: 'rotated'; userId: string; token: string } | { outcome: 'rejected' };

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

@Injectable()
export class RefreshTokensService {
  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly config: AppConfig,
  ) {}

  /** Starts a new family (a new login). */
  issue(userId: string): Promise<string> {
    return this.insert(userId, randomUUID());
  }

  /**
   * Spends `token` and returns its successor. A token presented a second time (stolen and used by
   * someone else, or replayed) revokes its whole family, so neither party can continue.
   * `isSessionValid` lets the caller refuse a disabled user or a session older than a password change.
   */
  async rotate(
    token: string,
    isSessionValid: (userId: string, issuedAt: Date) => Promise<boolean>,
  ): Promise<RotationResult> {
    const current = await this.tokens.findOneBy({ tokenHash: hashToken(token) });
    if (!current || current.revokedAt) return { outcome: 'rejected' };
    if (current.usedAt) {
      await this.revokeFamily(current.familyId);
      return { outcome: 'rejected' };
    }
    if (
      current.expiresAt.getTime() <= Date.now() ||
      !(await isSessionValid(current.userId, current.createdAt))
    ) {
      return { outcome: 'rejected' };
    }
    // Conditional update: of two concurrent refreshes with the same token, exactly one wins.
    const spent = await this.tokens.update({ id: current.id, usedAt: IsNull() }, { usedAt: new Date() });
    if (!spent.affected) {
      await this.revokeFamily(current.familyId);
      return { outcome: 'rejected' };
    }
    const next = await this.insert(current.userId, current.familyId);
    return { outcome: 'rotated', userId: current.userId, token: next };
  }

  /** Ends the session that `token` belongs to; unknown tokens are ignored. */
  async revoke(token: string, userId: string): Promise<void> {
    const current = await this.tokens.findOneBy({ tokenHash: hashToken(token), userId });
    if (current) await this.revokeFamily(current.familyId);
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async insert(userId: string, familyId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.tokens.insert({
      userId,
      familyId,
      tokenHash: hashToken(token),
      createdAt: new Date(now),
      expiresAt: new Date(now + this.config.jwt.refreshTtlSeconds * 1000),
    });
    return token;
  }
}
