import { Injectable, Logger } from '@nestjs/common';

import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { NotFoundError } from '../common/errors/domain-error.js';
import { decodeCursor } from '../common/pagination/cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import type { Role } from '../users/user.entity.js';
import { generateKeySecret, hashesMatch, hashKey, prefixOf } from './api-key-secret.js';
import { type ApiKeyRow, ApiKeysRepository } from './api-keys.repository.js';

const TOUCH_EVERY_MS = 60_000;

export interface CreatedApiKey {
  row: ApiKeyRow;
  /** The only time the key exists outside the caller's hands. */
  key: string;
}

/**
 * Keys for servers and scripts. A key is looked up on every request (no cache), so a revocation
 * is in force on every instance from the next request on.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(private readonly keys: ApiKeysRepository) {}

  async create(input: { name: string; role: Role }, creator: AuthenticatedUser): Promise<CreatedApiKey> {
    const secret = generateKeySecret();
    const row = await this.keys.insert({
      name: input.name,
      role: input.role,
      prefix: secret.prefix,
      hash: secret.hash,
      createdBy: creator.id,
    });
    this.logger.log({ apiKeyId: row.id, prefix: row.prefix, role: row.role }, 'API key created');
    return { row, key: secret.key };
  }

  async list(limit: number, cursor?: string): Promise<Page<ApiKeyRow>> {
    const rows = await this.keys.list(limit, cursor ? decodeCursor(cursor) : undefined);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.created_at, id: row.id }),
      (row) => row,
    );
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new NotFoundError('API key', id);
    this.logger.log({ apiKeyId: id }, 'API key revoked');
  }

  /**
   * The caller a key stands for: its creator's id (so notes and consent events name a person) with
   * the key's own role. Undefined for an unknown, revoked or malformed key, or one whose creator
   * has been disabled.
   */
  async authenticate(key: string): Promise<AuthenticatedUser | undefined> {
    const prefix = prefixOf(key);
    if (!prefix) return undefined;
    const hash = hashKey(key);
    const match = (await this.keys.findLive(prefix)).find((row) => hashesMatch(hash, row.key_hash));
    if (!match) return undefined;
    if (!match.last_used_at || Date.now() - match.last_used_at.getTime() >= TOUCH_EVERY_MS) {
      this.keys
        .touch(match.id)
        .catch((error: unknown) =>
          this.logger.warn({ apiKeyId: match.id, err: error }, 'Could not record key use'),
        );
    }
    return {
      id: match.user_id,
      email: match.user_email,
      name: match.name,
      role: match.role,
      apiKeyId: match.id,
    };
  }
}
