import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { queryRows } from '../database/query-rows.js';
import type { Role } from '../users/user.entity.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A live key under a prefix, with what the guard needs about its creator. */
export interface ApiKeyCandidate {
  id: string;
  name: string;
  role: Role;
  key_hash: Buffer;
  last_used_at: Date | null;
  user_id: string;
  user_email: string;
}

const COLUMNS = 'id, name, role, prefix, created_by, created_at, last_used_at, revoked_at';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(input: { name: string; role: Role; prefix: string; hash: Buffer; createdBy: string }) {
    const [row] = await queryRows<ApiKeyRow>(
      this.db,
      `INSERT INTO api_keys (name, role, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [input.name, input.role, input.prefix, input.hash, input.createdBy],
    );
    return row;
  }

  /** Newest first, revoked keys included (they show when they were revoked). */
  list(limit: number, after?: { at: string; id: string }): Promise<ApiKeyRow[]> {
    return queryRows<ApiKeyRow>(
      this.db,
      `SELECT ${COLUMNS} FROM api_keys
        WHERE ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit + 1, after?.at ?? null, after?.id ?? null],
    );
  }

  /** Marks the key revoked; false when there is no such key. Revoking twice keeps the first instant. */
  async revoke(id: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /** Unrevoked keys under a prefix whose creator is still active: read on every request, never cached. */
  findLive(prefix: string): Promise<ApiKeyCandidate[]> {
    return queryRows<ApiKeyCandidate>(
      this.db,
      `SELECT k.id, k.name, k.role, k.key_hash, k.last_used_at, u.id AS user_id, u.email AS user_email
         FROM api_keys k JOIN users u ON u.id = k.created_by
        WHERE k.prefix = $1 AND k.revoked_at IS NULL AND NOT u.disabled`,
      [prefix],
    );
  }

  /** At most one write a minute per key, whichever instance serves it. */
  async touch(id: string): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
