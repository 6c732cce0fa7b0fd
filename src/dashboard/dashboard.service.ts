import { Injectable } from '@nestjs/common';

import type { CampaignStatus } from '../campaigns/campaign-state.js';
import { campaignProgress, type CampaignStats, campaignStats } from '../campaigns/campaign-stats.js';
import { CampaignMessagesRepository } from '../conversations/campaign-messages.repository.js';
import { DashboardRepository } from './dashboard.repository.js';
import { deliveryRate, lastDays, type MessageTotals, totalsOf } from './dashboard-figures.js';

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
 * The admin home page's figures, folded from a few set-based reads (DashboardRepository): the week's message counts (closed hours
 * from the hourly rollup, the rest from `messages` through its BRIN index), the channels, and the
 * campaigns in flight with their counters from the (campaign_id, status) index. Days are UTC days.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly dashboard: DashboardRepository,
    private readonly campaignMessages: CampaignMessagesRepository,
  ) {}

  async figures(): Promise<DashboardView> {
    const [counts, channels, campaignsInFlight] = await Promise.all([
      this.dashboard.messageCounts(WEEK_DAYS),
      this.dashboard.channels(),
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

  private async campaignsInFlight(): Promise<DashboardView['campaignsInFlight']> {
    const campaigns = await this.dashboard.campaignsIn(IN_FLIGHT, IN_FLIGHT_SHOWN);
    if (campaigns.length === 0) return [];
    const counts = await this.campaignMessages.statusCounts(campaigns.map((campaign) => campaign.id));
    return campaigns.map((campaign) => {
      const stats = campaignStats(campaign, counts.get(campaign.id) ?? []);
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
