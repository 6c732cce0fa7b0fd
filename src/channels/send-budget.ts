import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { queryRows } from '../database/query-rows.js';
import { budgetCapacity, largestRequest, type SendLimit, waitForTokensMs } from './send-limits.js';

interface BudgetRow {
  granted: boolean;
  available: number;
  per_second: number;
}

/**
 * Token buckets in PostgreSQL, one row per limit (`send_budgets`), so a channel's `maxPerSecond` and
 * a campaign's `ratePerSecond` hold across campaigns, single sends and instances. A take locks the
 * rows of all its limits (in key order, so two takes never deadlock), refills them by the time
 * passed on the database's clock, and takes from all or from none.
 */
@Injectable()
export class SendBudget {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes `count` tokens from every limit at once. Returns 0 when taken, otherwise the milliseconds
   * until they should be there (nothing was taken). `count` must not exceed `largestRequest(limits)`.
   */
  async tryTake(limits: readonly SendLimit[], count: number): Promise<number> {
    if (limits.length === 0) return 0;
    const wanted = count;
    await this.dataSource.query(
      `INSERT INTO send_budgets (key, per_second, capacity, tokens, refilled_at)
       SELECT key, per_second, capacity, capacity, clock_timestamp()
         FROM unnest($1::text[], $2::float8[], $3::float8[]) AS l(key, per_second, capacity)
       ON CONFLICT (key) DO UPDATE SET per_second = EXCLUDED.per_second, capacity = EXCLUDED.capacity
        WHERE send_budgets.per_second <> EXCLUDED.per_second OR send_budgets.capacity <> EXCLUDED.capacity`,
      [
        limits.map((limit) => limit.key),
        limits.map((limit) => limit.perSecond),
        limits.map((limit) => budgetCapacity(limit.perSecond)),
      ],
    );
    const rows = await queryRows<BudgetRow>(
      this.dataSource,
      `WITH clock AS (SELECT clock_timestamp() AS at),
       current AS (
         SELECT b.key, b.per_second,
                least(b.capacity, b.tokens + extract(epoch FROM clock.at - b.refilled_at) * b.per_second) AS available
           FROM send_budgets b, clock
          WHERE b.key = ANY($1::text[])
          ORDER BY b.key
            FOR UPDATE OF b),
       decision AS (SELECT bool_and(available >= $2) AS granted FROM current)
       UPDATE send_budgets b
          SET tokens = current.available - CASE WHEN decision.granted THEN $2 ELSE 0 END,
              refilled_at = clock.at
         FROM current, decision, clock
        WHERE b.key = current.key
       RETURNING decision.granted, current.available, current.per_second`,
      [limits.map((limit) => limit.key), wanted],
    );
    if (rows.every((row) => row.granted)) return 0;
    return Math.max(1, ...rows.map((row) => waitForTokensMs(wanted, row.available, row.per_second)));
  }

  /**
   * Waits until `count` tokens are taken, in steps of at most `largestRequest(limits)` (a request cut
   * for a higher limit than today's still goes out, at the limit on average). False when `shouldStop`
   * said so first.
   */
  async take(
    limits: readonly SendLimit[],
    count: number,
    shouldStop: () => boolean | Promise<boolean> = () => false,
  ): Promise<boolean> {
    const step = largestRequest(limits);
    if (step === undefined) return true;
    for (let remaining = count; remaining > 0;) {
      const taking = Math.min(remaining, step);
      const waitMs = await this.tryTake(limits, taking);
      if (waitMs === 0) {
        remaining -= taking;
        continue;
      }
      if (await shouldStop()) return false;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    return true;
  }
}
