import type { CampaignStatus } from './campaign-state.js';

export interface CampaignStats {
  total: number;
  queued: number;
  held: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skippedOptedOut: number;
  skippedInvalid: number;
  skippedFrequencyCap: number;
}

export interface StatusCount {
  status: string;
  count: number;
}

/**
 * The message rows counted by status (kept counters, see CampaignMessagesRepository.statusCounts)
 * plus the skipped counts recorded at materialisation.
 */
export function campaignStats(
  campaign: { total: number; skippedOptedOut: number; skippedInvalid: number },
  counts: readonly StatusCount[],
): CampaignStats {
  const of = (...statuses: string[]) =>
    counts.filter((c) => statuses.includes(c.status)).reduce((sum, c) => sum + c.count, 0);
  return {
    total: campaign.total,
    queued: of('queued'),
    held: of('held'),
    sent: of('sent'),
    delivered: of('delivered'),
    read: of('read'),
    failed: of('failed', 'rejected'),
    skippedOptedOut: campaign.skippedOptedOut,
    skippedInvalid: campaign.skippedInvalid,
    // The only skipped rows: a capped recipient is listed with its reason, the others only counted.
    skippedFrequencyCap: of('skipped'),
  };
}

/** The share of the audience settled: sent (or further), failed, or skipped; not queued nor yet materialised. */
export function campaignProgress(status: CampaignStatus, stats: CampaignStats): number {
  if (status === 'completed') return 1;
  if (stats.total === 0) return 0;
  const settled =
    stats.sent +
    stats.delivered +
    stats.read +
    stats.failed +
    stats.skippedOptedOut +
    stats.skippedInvalid +
    stats.skippedFrequencyCap;
  return Math.min(1, Math.max(0, settled / stats.total));
}
