import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { queryRows } from '../database/query-rows.js';
import { largestRequest, type SendLimit } from './send-limits.js';

/**
 * Send limits shared by every instance, as schedules in PostgreSQL (`send_budgets`, one row per limit):
 * each row says when its limit is next free. A request of k recipients reserves the next free moment
 * of all its limits together and moves each one on by k / rate, so requests are spaced exactly at the
 * rate whoever makes them; nothing is lost to polling, and no one-second window carries more than the
 * rate plus one request. The rows are locked in key order, so two reservations never deadlock, and the
 * database's clock is the only clock.
 */
@Injectable()
export class SendBudget {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Reserves `count` recipients' worth of every limit; returns the milliseconds until the reserved
   * moment (0: now). With `onlyIfFree`, reserves only when that moment is now, and otherwise returns
   * the wait without reserving anything.
   */
  async reserve(limits: readonly SendLimit[], count: number, onlyIfFree = false): Promise<number> {
    if (limits.length === 0) return 0;
    const keys = limits.map((limit) => limit.key);
    await this.dataSource.query(
      `INSERT INTO send_budgets (key, per_second, next_free_at)
       SELECT key, per_second, clock_timestamp() FROM unnest($1::text[], $2::float8[]) AS l(key, per_second)
       ON CONFLICT (key) DO UPDATE SET per_second = EXCLUDED.per_second
        WHERE send_budgets.per_second <> EXCLUDED.per_second`,
      [keys, limits.map((limit) => limit.perSecond)],
    );
    // The reservation commits without waiting for its WAL to reach the disk (synchronous_commit off
    // for this statement's transaction only). The row is locked until then, and while a large write
    // (a campaign's materialisation) floods the WAL each fsync took hundreds of milliseconds, holding
    // every other sender behind it. A crash can lose the last few reservations: at worst one burst of
    // what they held, once.
    const [row] = await queryRows<{ wait_ms: number }>(
      this.dataSource,
      `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
       clock AS (SELECT clock_timestamp() AS at FROM async_commit),
       current AS (
         SELECT b.key, b.per_second, greatest(b.next_free_at, clock.at) AS free_at
           FROM send_budgets b, clock
          WHERE b.key = ANY($1::text[])
          ORDER BY b.key
            FOR UPDATE OF b),
       slot AS (SELECT max(free_at) AS start_at FROM current),
       reserved AS (
         UPDATE send_budgets b
            SET next_free_at = slot.start_at + make_interval(secs => $2 / current.per_second)
           FROM current, slot, clock
          WHERE b.key = current.key AND (NOT $3 OR slot.start_at <= clock.at)
         RETURNING b.key)
       SELECT greatest(0, extract(epoch FROM slot.start_at - clock.at) * 1000)::float8 AS wait_ms
         FROM slot, clock`,
      [keys, count, onlyIfFree],
    );
    return Math.ceil(row.wait_ms);
  }

  /**
   * Reserves `count` recipients' worth and waits for it, in steps of at most `largestRequest(limits)`
   * (a request cut for a higher limit than today's still goes out, at the limit on average). False when
   * `shouldStop` said so after a wait: the reservation is then simply not used.
   */
  async take(
    limits: readonly SendLimit[],
    count: number,
    shouldStop: () => boolean | Promise<boolean> = () => false,
  ): Promise<boolean> {
    const step = largestRequest(limits);
    if (step === undefined) return true;
    for (let remaining = count; remaining > 0; remaining -= step) {
      const waitMs = await this.reserve(limits, Math.min(remaining, step));
      if (waitMs === 0) continue;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (await shouldStop()) return false;
    }
    return true;
  }
}
