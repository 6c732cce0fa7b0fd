import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { parseCampaignText, renderSql } from './campaign-text.js';
import type { CampaignAudience, CampaignMessage } from './campaign.entity.js';

interface LockedCampaign {
  id: string;
  channel_id: string;
  message: CampaignMessage;
  audience: CampaignAudience;
  materialized_at: Date | null;
}

export interface MaterialisedAudience {
  total: number;
  queued: number;
  skippedOptedOut: number;
  skippedInvalid: number;
}

/**
 * Turns a sending campaign's audience into one `queued` message row per recipient, set-based and
 * exactly once: the campaign row is locked (SKIP LOCKED: another instance already on it simply
 * moves on) and `materialized_at` is set in the same transaction as the rows and counters.
 */
@Injectable()
export class CampaignAudienceService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Undefined when there was nothing to do (already materialised, or another instance holds it). */
  materialise(campaignId: string): Promise<MaterialisedAudience | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const [campaign] = await queryRows<LockedCampaign>(
        tx,
        `SELECT id, channel_id, message, audience, materialized_at FROM campaigns
          WHERE id = $1 AND status = 'sending' AND materialized_at IS NULL
          FOR UPDATE SKIP LOCKED`,
        [campaignId],
      );
      if (!campaign) return undefined;

      const params: unknown[] = [campaign.id, campaign.channel_id];
      const audience = audienceSql(campaign.audience, 'c', params);
      const sendable = `${audience} AND c.erased_at IS NULL AND c.phone IS NOT NULL AND c.opted_out_at IS NULL`;

      const conversationParams: unknown[] = [campaign.channel_id];
      const conversationAudience = audienceSql(campaign.audience, 'c', conversationParams);
      await tx.query(
        `INSERT INTO conversations (contact_id, channel_id)
         SELECT c.id, $1::uuid FROM contacts c
          WHERE ${conversationAudience} AND c.erased_at IS NULL AND c.phone IS NOT NULL AND c.opted_out_at IS NULL
         ON CONFLICT (contact_id, channel_id) DO NOTHING`,
        conversationParams,
      );
      const content = contentSql(campaign.message, 'c', params);
      await tx.query(
        `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, recipient, content, status, client_reference)
         SELECT 'outbound', $2::uuid, c.id, cv.id, $1::uuid, c.phone, ${content}, 'queued', 'cmp_' || replace(gen_random_uuid()::text, '-', '')
           FROM contacts c
           JOIN conversations cv ON cv.contact_id = c.id AND cv.channel_id = $2
          -- Phones are unique among contacts, so each recipient appears once without a DISTINCT.
          WHERE ${sendable}
         ON CONFLICT DO NOTHING`,
        params,
      );

      const skipParams: unknown[] = [];
      const skipAudience = audienceSql(campaign.audience, 'c', skipParams);
      const [skipped] = await queryRows<{ invalid: string; opted_out: string }>(
        tx,
        `SELECT count(*) FILTER (WHERE c.erased_at IS NOT NULL OR c.phone IS NULL) AS invalid,
                count(*) FILTER (WHERE c.erased_at IS NULL AND c.phone IS NOT NULL AND c.opted_out_at IS NOT NULL) AS opted_out
           FROM contacts c WHERE ${skipAudience}`,
        skipParams,
      );
      const [{ count }] = await queryRows<{ count: string }>(tx, `SELECT count(*) AS count FROM messages WHERE campaign_id = $1`, [campaign.id]);
      const result: MaterialisedAudience = {
        queued: Number(count),
        skippedInvalid: Number(skipped.invalid),
        skippedOptedOut: Number(skipped.opted_out),
        total: 0,
      };
      result.total = result.queued + result.skippedInvalid + result.skippedOptedOut;
      await this.record(tx, campaign.id, result);
      return result;
    });
  }

  private async record(tx: EntityManager, id: string, counts: MaterialisedAudience): Promise<void> {
    await tx.query(
      `UPDATE campaigns SET materialized_at = now(), total = $2, skipped_opted_out = $3, skipped_invalid = $4, updated_at = now() WHERE id = $1`,
      [id, counts.total, counts.skippedOptedOut, counts.skippedInvalid],
    );
  }
}

function audienceSql(audience: CampaignAudience, alias: string, params: unknown[]): string {
  if ('contactIds' in audience) {
    params.push(audience.contactIds);
    return `${alias}.id = ANY($${params.length}::uuid[])`;
  }
  if ('tags' in audience) {
    params.push(audience.tags);
    return `${alias}.tags && $${params.length}::text[]`;
  }
  return 'TRUE';
}

function contentSql(message: CampaignMessage, alias: string, params: unknown[]): string {
  if (message.kind === 'template') {
    params.push(JSON.stringify(message));
    return `$${params.length}::jsonb`;
  }
  return `jsonb_build_object('kind', 'text', 'text', ${renderSql(parseCampaignText(message.text), alias, params)})`;
}
