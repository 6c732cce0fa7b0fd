import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { IntervalJob } from '../common/jobs/interval-job.js';
import { queryRows } from '../database/query-rows.js';

const EVERY_MINUTE = 60_000;

/**
 * Hours counted again on every pass: delivery reports move a message from sent to delivered (or
 * failed) minutes after it was created, so the last hours' counts are not final when first rolled.
 */
const RECOUNTED_HOURS = 3;

/** Rollup rows older than this are deleted: the dashboard looks one week back. */
const KEPT_DAYS = 8;

/**
 * Rolls `messages` up into `message_hourly_counts` (per hour of creation, channel, direction and
 * status) up to now, recounting the current hour and the few before it on each pass, so the
 * dashboard reads live only what was created since the last pass. A message that committed after a
 * pass with an earlier created_at is counted by the next one. One instance
 * at a time: the others skip the pass while the state row is locked.
 */
@Injectable()
export class MessageRollupJob extends IntervalJob {
  protected readonly intervalMs = EVERY_MINUTE;

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  protected async pass(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const [state] = await queryRows<{ from: Date; until: Date }>(
        tx,
        `SELECT greatest(date_trunc('hour', least(rolled_until, now() - make_interval(hours => $1)), 'UTC'),
                         date_trunc('day', now(), 'UTC') - make_interval(days => $2)) AS "from",
                now() AS until
           FROM message_rollup_state FOR UPDATE SKIP LOCKED`,
        [RECOUNTED_HOURS, KEPT_DAYS],
      );
      if (!state) return;
      await tx.query(
        `DELETE FROM message_hourly_counts WHERE hour >= $1 OR hour < $2::timestamptz - make_interval(days => $3)`,
        [state.from, state.until, KEPT_DAYS],
      );
      await tx.query(
        `INSERT INTO message_hourly_counts (hour, channel_id, direction, status, count)
         SELECT date_trunc('hour', created_at, 'UTC'), channel_id, direction, status, count(*)
           FROM messages
          WHERE created_at >= $1 AND created_at < $2
          GROUP BY 1, 2, 3, 4`,
        [state.from, state.until],
      );
      await tx.query(`UPDATE message_rollup_state SET rolled_until = $1`, [state.until]);
    });
  }
}
