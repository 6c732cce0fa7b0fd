import type { ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';

import { queryRows } from '../../database/query-rows.js';

interface CounterRow {
  hits: number;
  expires_in_ms: number;
  blocked_for_ms: number | null;
}

/** What @nestjs/throttler expects back from a storage (its record type is not exported). */
interface ThrottlerRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Throttler counters in PostgreSQL, so N instances allow the limit once rather than N times. A fixed
 * window per key: it opens at the first hit and lasts `ttl`; a hit beyond `limit` blocks the key for
 * `blockDuration`, after which a fresh window starts. One upsert per attempt: the row lock taken by
 * ON CONFLICT serialises concurrent attempts on one key, and the database's clock is the only clock.
 * Keys are hashes made by the throttler guard, so no email address or IP is stored.
 */
export class DatabaseThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerRecord> {
    const [row] = await queryRows<CounterRow>(
      this.dataSource,
      `INSERT INTO throttle_counters AS t (key, hits, window_ends_at)
       VALUES ($1, 1, now() + make_interval(secs => $2 / 1000.0))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE
           WHEN t.blocked_until > now() THEN t.hits
           WHEN t.window_ends_at <= now() OR t.blocked_until IS NOT NULL THEN 1
           ELSE t.hits + 1 END,
         window_ends_at = CASE
           WHEN t.blocked_until > now() THEN t.window_ends_at
           WHEN t.window_ends_at <= now() OR t.blocked_until IS NOT NULL THEN EXCLUDED.window_ends_at
           ELSE t.window_ends_at END,
         blocked_until = CASE
           WHEN t.blocked_until > now() THEN t.blocked_until
           WHEN t.window_ends_at <= now() OR t.blocked_until IS NOT NULL THEN NULL
           WHEN t.hits + 1 > $3 THEN now() + make_interval(secs => $4 / 1000.0)
           ELSE NULL END
       RETURNING t.hits,
                 (extract(epoch FROM t.window_ends_at - now()) * 1000)::int AS expires_in_ms,
                 (extract(epoch FROM t.blocked_until - now()) * 1000)::int AS blocked_for_ms`,
      [key, ttl, limit, blockDuration],
    );
    const blocked = row.blocked_for_ms !== null && row.blocked_for_ms > 0;
    return {
      totalHits: row.hits,
      timeToExpire: Math.max(0, Math.ceil(row.expires_in_ms / 1000)),
      isBlocked: blocked,
      timeToBlockExpire: blocked ? Math.ceil((row.blocked_for_ms ?? 0) / 1000) : 0,
    };
  }
}
