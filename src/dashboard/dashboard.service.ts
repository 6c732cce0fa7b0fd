import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';

import { Campaign } from '../campaigns/campaign.entity.js';
import type { CampaignStatus } from '../campaigns/campaign-state.js';
import {
  campaignProgress,
  type CampaignStats,
  campaignStats,
  type StatusCount,
} from '../campaigns/campaign-stats.js';
import { queryRows } from '../database/query-rows.js';
import {
  deliveryRate,
  lastDays,
  type MessageCount,
  type MessageTotals,
  totalsOf,
} from './dashboard-figures.js';

const WEEK_DAYS = 7;
const IN_FLIGHT: CampaignStatus[] = ['sending', 'paused'];
const IN_FLIGHT_SHOWN = 10;

export interface DashboardView {
  generatedAt: Date;
  today: MessageTotals;
  week: MessageTotals;
  days: Array<{ date: string } & MessageTotals>;
  channels: Array<{
    id: string;
    name: string;
    provider: string;
    today: MessageTotals;
    week: MessageTotals;
    deliveryRate: number | null;
  }>;
  campaignsInFlight: Array<{
    id: string;
    name: string;
    status: CampaignStatus;
    startedAt: Date | null;
    stats: CampaignStats;
    progress: number;
  }>;
}

/**
 * The admin home page's figures in a few set-based reads: the week's message counts (closed hours
 * from the hourly rollup, the rest from `messages` through its BRIN index), the channels, and the
 * campaigns in flight with their counters from the (campaign_id, status) index. Days are UTC days.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
  ) {}

  async figures(): Promise<DashboardView> {
    const [counts, channels, campaignsInFlight] = await Promise.all([
      this.messageCounts(),
      this.dataSource.query<Array<{ id: string; name: string; provider: string }>>(
        `SELECT id, name, provider FROM channels ORDER BY name, id`,
      ),
      this.campaignsInFlight(),
    ]);
    const { today, rows, generatedAt } = counts;
    const ofToday = rows.filter((row) => row.day === today);
    return {
      generatedAt,
      today: totalsOf(ofToday),
      week: totalsOf(rows),
      days: lastDays(today, WEEK_DAYS).map((date) => ({
        date,
        ...totalsOf(rows.filter((row) => row.day === date)),
      })),
      channels: channels.map((channel) => {
        const week = totalsOf(rows.filter((row) => row.channelId === channel.id));
        return {
          ...channel,
          today: totalsOf(ofToday.filter((row) => row.channelId === channel.id)),
          week,
          deliveryRate: deliveryRate(week),
        };
      }),
      campaignsInFlight,
    };
  }

  /** Per UTC day of the last week, channel, direction and status. */
  private async messageCounts(): Promise<{ today: string; generatedAt: Date; rows: MessageCount[] }> {
    const [bounds] = await queryRows<{ today: string; week_start: Date; live_from: Date; now: Date }>(
      this.dataSource,
      `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS today, now() AS now,
              date_trunc('day', now(), 'UTC') - make_interval(days => $1) AS week_start,
              greatest(rolled_until, date_trunc('day', now(), 'UTC') - make_interval(days => $1)) AS live_from
         FROM message_rollup_state`,
      [WEEK_DAYS - 1],
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

  private async campaignsInFlight(): Promise<DashboardView['campaignsInFlight']> {
    const campaigns = await this.campaigns.find({
      where: { status: In(IN_FLIGHT) },
      order: { startedAt: { direction: 'DESC', nulls: 'LAST' }, id: 'DESC' },
      take: IN_FLIGHT_SHOWN,
    });
    if (campaigns.length === 0) return [];
    const rows = await queryRows<{ campaign_id: string; status: string; count: string }>(
      this.dataSource,
      `SELECT campaign_id, status, count(*) AS count FROM messages WHERE campaign_id = ANY($1::uuid[]) GROUP BY 1, 2`,
      [campaigns.map((campaign) => campaign.id)],
    );
    return campaigns.map((campaign) => {
      const counts: StatusCount[] = rows
        .filter((row) => row.campaign_id === campaign.id)
        .map((row) => ({ status: row.status, count: Number(row.count) }));
      const stats = campaignStats(campaign, counts);
      return {
        id: campaign.id,
        name: campaign.name,
        status: campaign.status,
        startedAt: campaign.startedAt,
        stats,
        progress: campaignProgress(campaign.status, stats),
      };
    });
  }
}
