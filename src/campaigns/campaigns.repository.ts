import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import type { ProviderKind } from '../channels/providers/channel-provider.interface.js';
import { CampaignMessagesRepository } from '../conversations/campaign-messages.repository.js';
import { queryRows } from '../database/query-rows.js';
import { campaignJson, outboxInsert } from '../event-webhooks/outbox.js';
import { CampaignBatchesRepository } from './campaign-batches.repository.js';
import { Campaign, type CampaignAudience, type CampaignMessage } from './campaign.entity.js';
import type { FrequencyCap, SendWindow } from './send-window.js';

/** A campaign in `sending`, as the dispatcher walks them. */
export interface SendingCampaignRow {
  id: string;
  channel_id: string;
  rate_per_second: number | null;
  windowed: boolean;
}

/** The settings that size a campaign's send units: its rate and its channel's. */
interface SendSettings {
  id: string;
  channel_id: string;
  provider: ProviderKind;
  rate_per_second: number | null;
  channel_max_per_second: number | null;
}

/** A sending campaign whose audience is not fully materialised, locked by the caller's transaction. */
export interface LockedCampaign extends SendSettings {
  message: CampaignMessage;
  audience: CampaignAudience;
  materialized_through: string | null;
  send_window: SendWindow | null;
  frequency_cap: FrequencyCap | null;
}

/** What the release of held recipients needs of a campaign whose row the caller has locked. */
export interface WindowedCampaign extends SendSettings {
  send_window: SendWindow;
}

export interface PreviewSettings {
  message: CampaignMessage;
  audience: CampaignAudience;
  send_window: SendWindow | null;
  frequency_cap: FrequencyCap | null;
  rate_per_second: number | null;
  channel_max_per_second: number | null;
}

/** What one materialised chunk adds to the campaign's counters. */
export interface MaterialisedCounts {
  done: boolean;
  skippedOptedOut: number;
  skippedInvalid: number;
}

const SEND_SETTINGS = `cp.id, cp.channel_id, ch.provider, cp.rate_per_second,
                       (ch.config->>'maxPerSecond')::int AS channel_max_per_second`;

/**
 * The `campaigns` table's statements beyond plain reads of the entity. Every status change writes
 * its `campaign.status` event in the same statement or transaction.
 */
@Injectable()
export class CampaignsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly messages: CampaignMessagesRepository,
    private readonly batches: CampaignBatchesRepository,
  ) {}

  /** Scheduled campaigns whose time has come start sending; returns their ids. */
  async startDue(limit: number): Promise<string[]> {
    const started = await queryRows<{ id: string }>(
      this.db,
      `WITH started AS (
         UPDATE campaigns SET status = 'sending', started_at = coalesce(started_at, now()), updated_at = now()
          WHERE id IN (SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= now()
                        ORDER BY scheduled_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            AND status = 'scheduled'
          RETURNING *
       ), event AS (${outboxInsert('campaign.status', 'started c', campaignJson('c'))})
       SELECT id FROM started`,
      [limit],
    );
    return started.map((row) => row.id);
  }

  listSending(limit: number): Promise<SendingCampaignRow[]> {
    return queryRows<SendingCampaignRow>(
      this.db,
      `SELECT id, channel_id, rate_per_second, send_window IS NOT NULL AS windowed
         FROM campaigns WHERE status = 'sending' ORDER BY started_at LIMIT $1`,
      [limit],
    );
  }

  async statusOf(id: string): Promise<string | undefined> {
    const [row] = await queryRows<{ status: string }>(this.db, `SELECT status FROM campaigns WHERE id = $1`, [
      id,
    ]);
    return row?.status;
  }

  /**
   * Completed when every send unit is done (none waiting, retrying or under a lease) and nobody is
   * held. One statement (it reads `campaign_batches` and `messages`), so the check and the change
   * cannot be separated by a concurrent release.
   */
  async completeIfDone(id: string): Promise<boolean> {
    const done = await queryRows<{ id: string }>(
      this.db,
      `WITH done AS (
         UPDATE campaigns SET status = 'completed', completed_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'sending' AND materialized_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM campaign_batches WHERE campaign_id = $1 AND done_at IS NULL)
            AND NOT EXISTS (SELECT 1 FROM messages WHERE campaign_id = $1 AND status = 'held')
          RETURNING *
       ), event AS (${outboxInsert('campaign.status', 'done c', campaignJson('c'))})
       SELECT id FROM done`,
      [id],
    );
    return done.length > 0;
  }

  /**
   * A sending campaign fails and its unsent rows and open units with it, in one transaction so
   * nobody reads a failed campaign whose recipients still look queued, and a crash cannot leave
   * them so. False when the campaign was no longer sending.
   */
  failSending(id: string, reason: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await queryRows<{ id: string }>(
        tx,
        `WITH failed AS (
           UPDATE campaigns SET status = 'failed', failure_reason = $2, completed_at = now(), updated_at = now()
            WHERE id = $1 AND status = 'sending' RETURNING *
         ), event AS (${outboxInsert('campaign.status', 'failed c', campaignJson('c'))})
         SELECT id FROM failed`,
        [id, reason],
      );
      if (rows.length === 0) return false;
      await this.messages.failUnsent(tx, id, reason);
      await this.batches.closeAll(tx, id);
      return true;
    });
  }

  /**
   * Compare-and-set from status `from`, with its event in the same transaction: a user's request
   * and the dispatcher never overwrite each other. False when the status had changed.
   */
  moveStatus(id: string, from: Campaign['status'], changes: Partial<Campaign>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const result = await tx.update(Campaign, { id, status: from }, { ...changes, updatedAt: new Date() });
      if (result.affected !== 1) return false;
      await tx.query(outboxInsert('campaign.status', 'campaigns c', campaignJson('c'), 'c.id = $1'), [id]);
      return true;
    });
  }

  /** Locks the campaign for one materialisation chunk; undefined when done or another instance holds it. */
  async lockForMaterialising(tx: EntityManager, id: string): Promise<LockedCampaign | undefined> {
    const [campaign] = await queryRows<LockedCampaign>(
      tx,
      `SELECT ${SEND_SETTINGS}, cp.message, cp.audience, cp.materialized_through, cp.send_window, cp.frequency_cap
         FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id
        WHERE cp.id = $1 AND cp.status = 'sending' AND cp.materialized_at IS NULL
        FOR UPDATE OF cp SKIP LOCKED`,
      [id],
    );
    return campaign;
  }

  /** Locks a sending campaign with a send window; undefined when another instance holds it. */
  async lockWindowed(tx: EntityManager, id: string): Promise<WindowedCampaign | undefined> {
    const [campaign] = await queryRows<WindowedCampaign>(
      tx,
      `SELECT ${SEND_SETTINGS}, cp.send_window
         FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id
        WHERE cp.id = $1 AND cp.status = 'sending' AND cp.send_window IS NOT NULL
        FOR UPDATE OF cp SKIP LOCKED`,
      [id],
    );
    return campaign;
  }

  /**
   * Moves `materialized_through` past a chunk and adds its skipped contacts; the last chunk sets
   * `materialized_at` and the final total (every message row once: those in units, plus those still
   * held and the skipped ones, in none).
   */
  async recordMaterialised(
    tx: EntityManager,
    id: string,
    chunk: MaterialisedCounts,
    through: string | null,
    audienceSize?: number,
  ): Promise<void> {
    await tx.query(
      `UPDATE campaigns
          SET skipped_opted_out = skipped_opted_out + $2, skipped_invalid = skipped_invalid + $3,
              total = CASE
                WHEN $6 THEN (SELECT coalesce(sum(size), 0) FROM campaign_batches WHERE campaign_id = $1)
                             + (SELECT count(*) FROM messages WHERE campaign_id = $1 AND status IN ('held', 'skipped'))
                             + skipped_opted_out + $2 + skipped_invalid + $3
                ELSE coalesce($4::int, total) END,
              materialized_through = $5, materialized_at = CASE WHEN $6 THEN now() END, updated_at = now()
        WHERE id = $1`,
      [id, chunk.skippedOptedOut, chunk.skippedInvalid, audienceSize ?? null, through, chunk.done],
    );
  }

  async previewSettings(id: string): Promise<PreviewSettings | undefined> {
    const [campaign] = await queryRows<PreviewSettings>(
      this.db,
      `SELECT cp.message, cp.audience, cp.send_window, cp.frequency_cap, cp.rate_per_second,
              (ch.config->>'maxPerSecond')::int AS channel_max_per_second
         FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id WHERE cp.id = $1`,
      [id],
    );
    return campaign;
  }
}
