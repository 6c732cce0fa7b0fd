import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import type { ProviderKind } from '../channels/providers/channel-provider.interface.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { AppConfig } from '../config/app-config.js';
import { queryRows } from '../database/query-rows.js';
import { openZones, type SendWindow } from './send-window.js';
import { sendPlan, tightestRate } from './send-units.js';

/** What the release needs of a campaign whose row the caller has locked. */
export interface WindowedCampaign {
  id: string;
  channel_id: string;
  provider: ProviderKind;
  rate_per_second: number | null;
  channel_max_per_second: number | null;
  send_window: SendWindow;
}

/**
 * Recipients outside their send window wait as `held` message rows carrying their zone. When a
 * zone's window opens, its held rows become `queued` and are cut into send units in one statement,
 * under the campaign row's lock: so a recipient is released once whichever instance gets there,
 * and the sender's exactly-once machinery (units, client references, leases) takes over from there.
 * The work is per zone (a few hundred at most), not a timer per recipient.
 */
@Injectable()
export class HeldRecipientsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProviderRegistry,
    private readonly config: AppConfig,
  ) {}

  /** Releases what is due at `at` for a sending campaign; 0 when another instance holds it. */
  releaseDue(campaignId: string, at: Date = new Date()): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [campaign] = await queryRows<WindowedCampaign>(
        tx,
        `SELECT cp.id, cp.channel_id, ch.provider, cp.rate_per_second, (ch.config->>'maxPerSecond')::int AS channel_max_per_second,
                cp.send_window
           FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id
          WHERE cp.id = $1 AND cp.status = 'sending' AND cp.send_window IS NOT NULL
          FOR UPDATE OF cp SKIP LOCKED`,
        [campaignId],
      );
      return campaign ? this.releaseLocked(tx, campaign, at) : 0;
    });
  }

  /** The caller holds the campaign row's lock (FOR UPDATE) in `tx`. */
  async releaseLocked(tx: EntityManager, campaign: WindowedCampaign, at: Date): Promise<number> {
    const zones = openZones(campaign.send_window, await this.heldZones(tx, campaign.id), at);
    const unknownToo = campaign.send_window.unknownTimeZone === 'send';
    if (zones.length === 0 && !unknownToo) return 0;
    const plan = sendPlan(
      this.providers.get(campaign.provider).maxRecipientsPerRequest,
      tightestRate(campaign.rate_per_second, campaign.channel_max_per_second),
    );
    const chunk = this.config.campaignMaterialiseChunk;
    let released = 0;
    for (;;) {
      const prefix = `cmp_${campaign.id.replaceAll('-', '').slice(0, 12)}_${randomBytes(6).toString('hex')}`;
      const units = await queryRows<{ size: number }>(
        tx,
        `WITH picked AS (
           SELECT id FROM messages
            WHERE campaign_id = $1 AND status = 'held' AND (time_zone = ANY($3::text[]) OR ($4 AND time_zone IS NULL))
            LIMIT $6),
         numbered AS (SELECT id, row_number() OVER () AS n FROM picked),
         released AS (
           UPDATE messages m SET status = 'queued', status_updated_at = now(),
                  batch_reference = $5::text || '_' || ((numbered.n - 1) / $7::int)::text
             FROM numbered WHERE m.id = numbered.id AND m.status = 'held'
           RETURNING m.batch_reference)
         INSERT INTO campaign_batches (reference, campaign_id, channel_id, size)
         SELECT batch_reference, $1::uuid, $2::uuid, count(*) FROM released GROUP BY batch_reference
         RETURNING size`,
        [campaign.id, campaign.channel_id, zones, unknownToo, prefix, chunk, plan.unitSize],
      );
      const count = units.reduce((sum, unit) => sum + unit.size, 0);
      released += count;
      if (count < chunk) return released;
    }
  }

  /**
   * The distinct zones of a campaign's held rows, as a skip scan over the held index (one probe per
   * zone), so a million held rows in forty zones cost forty index look-ups, not a million-row scan.
   */
  private async heldZones(tx: EntityManager, campaignId: string): Promise<string[]> {
    const rows = await queryRows<{ zone: string }>(
      tx,
      `WITH RECURSIVE z (zone) AS (
         SELECT min(time_zone) FROM messages WHERE campaign_id = $1 AND status = 'held'
         UNION ALL
         SELECT (SELECT min(time_zone) FROM messages WHERE campaign_id = $1 AND status = 'held' AND time_zone > z.zone)
           FROM z WHERE z.zone IS NOT NULL)
       SELECT zone FROM z WHERE zone IS NOT NULL`,
      [campaignId],
    );
    return rows.map((row) => row.zone);
  }
}
