import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { AppConfig } from '../config/app-config.js';
import { CampaignMessagesRepository } from '../conversations/campaign-messages.repository.js';
import { CampaignsRepository, type WindowedCampaign } from './campaigns.repository.js';
import { openZones } from './send-window.js';
import { sendPlan, tightestRate, unitPrefix } from './send-units.js';

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
    private readonly campaigns: CampaignsRepository,
    private readonly messages: CampaignMessagesRepository,
    private readonly providers: ProviderRegistry,
    private readonly config: AppConfig,
  ) {}

  /** Releases what is due at `at` for a sending campaign; 0 when another instance holds it. */
  releaseDue(campaignId: string, at: Date = new Date()): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const campaign = await this.campaigns.lockWindowed(tx, campaignId);
      return campaign ? this.releaseLocked(tx, campaign, at) : 0;
    });
  }

  /** The caller holds the campaign row's lock (FOR UPDATE) in `tx`. */
  async releaseLocked(tx: EntityManager, campaign: WindowedCampaign, at: Date): Promise<number> {
    const zones = openZones(campaign.send_window, await this.messages.heldZones(tx, campaign.id), at);
    const unknownZoneToo = campaign.send_window.unknownTimeZone === 'send';
    if (zones.length === 0 && !unknownZoneToo) return 0;
    const plan = sendPlan(
      this.providers.get(campaign.provider).maxRecipientsPerRequest,
      tightestRate(campaign.rate_per_second, campaign.channel_max_per_second),
    );
    const limit = this.config.campaignMaterialiseChunk;
    let released = 0;
    for (;;) {
      const count = await this.messages.releaseHeld(tx, {
        campaignId: campaign.id,
        channelId: campaign.channel_id,
        zones,
        unknownZoneToo,
        unitPrefix: unitPrefix(campaign.id),
        unitSize: plan.unitSize,
        limit,
      });
      released += count;
      if (count < limit) return released;
    }
  }
}
