import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';

import { Campaign } from '../campaigns/campaign.entity.js';
import type { CampaignStatus } from '../campaigns/campaign-state.js';
import { queryRows } from '../database/query-rows.js';
import type { MessageCount } from './dashboard-figures.js';

/**
 * The dashboard's SQL: the reads (the hourly rollup plus the messages since its last pass, the
 * channels, and the campaigns in flight with their per-status counts) and the rollup itself.
 * Read-only over tables other modules own; one aggregate each, so the page costs a handful of
 * statements. It writes only its own tables, message_hourly_counts and message_rollup_state.
 */
@Injectable()
export class DashboardRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
  ) {}

  /** Per UTC day of the last week, channel, direction and status. */
  async messageCounts(weekDays: number): Promise<{ today: string; generatedAt: Date; rows: MessageCount[] }> {
    const [bounds] = await queryRows<{ today: string; week_start: Date; live_from: Date; now: Date }>(
      this.dataSource,
      `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS today, now() AS now,
              date_trunc('day', now(), 'UTC') - make_interval(days => $1) AS week_start,
              greatest(rolled_until, date_trunc('day', now(), 'UTC') - make_interval(days => $1)) AS live_from
         FROM message_rollup_state`,
      [weekDays - 1],
    );
    const rows = await queryRows<{
      day: string;
      channel_id: string;
      direction: string;
      status: string;
      count: string;
    }>(
      this.dataSource,
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, channel_id, direction, status, sum(count) AS count
         FROM (SELECT hour AS at, channel_id, direction, status, count
                 FROM message_hourly_counts
                WHERE hour >= $1 AND hour < $2
               UNION ALL
               SELECT date_trunc('hour', created_at, 'UTC'), channel_id, direction, status, count(*)
                 FROM messages
                WHERE created_at >= $2
                GROUP BY 1, 2, 3, 4) counts
        GROUP BY 1, 2, 3, 4`,
      [bounds.week_start, bounds.live_from],
    );
    return {
      today: bounds.today,
      generatedAt: bounds.now,
      rows: rows.map((row) => ({
        day: row.day,
        channelId: row.channel_id,
        direction: row.direction,
        status: row.status,
        count: Number(row.count),
      })),
    };
  }

  channels(): Promise<Array<{ id: string; name: string; provider: string }>> {
    return queryRows(this.dataSource, `SELECT id, name, provider FROM channels ORDER BY name, id`);
  }

  /** The most recently started campaigns in one of `statuses`. */
  campaignsIn(statuses: CampaignStatus[], limit: number): Promise<Campaign[]> {
    return this.campaigns.find({
      where: { status: In(statuses) },
      order: { startedAt: { direction: 'DESC', nulls: 'LAST' }, id: 'DESC' },
      take: limit,
    });
  }

  /**
   * Counts `messages` into `message_hourly_counts` up to now, again from `recountedHours` before the
   * last pass (statuses change after creation), and drops rollup rows older than `keptDays`. False
   * when another instance holds the state row: it is rolling up at this moment.
   */
  async rollUp(recountedHours: number, keptDays: number): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const [state] = await queryRows<{ from: Date; until: Date }>(
        tx,
        `SELECT greatest(date_trunc('hour', least(rolled_until, now() - make_interval(hours => $1)), 'UTC'),
                         date_trunc('day', now(), 'UTC') - make_interval(days => $2)) AS "from",
                now() AS until
           FROM message_rollup_state FOR UPDATE SKIP LOCKED`,
        [recountedHours, keptDays],
      );
      if (!state) return false;
      await tx.query(
        `DELETE FROM message_hourly_counts WHERE hour >= $1 OR hour < $2::timestamptz - make_interval(days => $3)`,
        [state.from, state.until, keptDays],
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
      return true;
    });
  }
}
