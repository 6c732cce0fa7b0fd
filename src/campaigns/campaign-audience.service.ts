import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ProviderKind } from '../channels/providers/channel-provider.interface.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { AppConfig } from '../config/app-config.js';
import { previewSql } from '../conversations/conversations.service.js';
import { queryRows } from '../database/query-rows.js';
import { parseCampaignText, renderSql } from './campaign-text.js';
import type { CampaignAudience, CampaignMessage } from './campaign.entity.js';
import { HeldRecipientsService } from './held-recipients.service.js';
import type { FrequencyCap, SendWindow } from './send-window.js';
import { sendPlan, tightestRate } from './send-units.js';

interface LockedCampaign {
  id: string;
  channel_id: string;
  provider: ProviderKind;
  rate_per_second: number | null;
  channel_max_per_second: number | null;
  message: CampaignMessage;
  audience: CampaignAudience;
  materialized_through: string | null;
  send_window: SendWindow | null;
  frequency_cap: FrequencyCap | null;
}

/** What one chunk added; `done` once the whole audience is materialised. */
export interface MaterialisedChunk {
  done: boolean;
  queued: number;
  held: number;
  skippedFrequencyCap: number;
  skippedOptedOut: number;
  skippedInvalid: number;
}

/**
 * Turns a sending campaign's audience into one `queued` message row per recipient and one
 * `campaign_batches` row per send unit, set-based and exactly once. It goes in chunks of contacts
 * ordered by id: each chunk locks the campaign row (SKIP LOCKED: another instance already on it
 * simply moves on), inserts the chunk's rows and moves `materialized_through` in one transaction;
 * the last one sets `materialized_at`.
 */
@Injectable()
export class CampaignAudienceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProviderRegistry,
    private readonly config: AppConfig,
    private readonly held: HeldRecipientsService,
  ) {}

  /** How many contacts the audience holds, how many of them a campaign would send to, and one of those. */
  async size(
    audience: CampaignAudience,
  ): Promise<{ contacts: number; reachable: number; sampleContactId: string | null }> {
    const params: unknown[] = [];
    const [row] = await queryRows<{ contacts: string; reachable: string; sample: string | null }>(
      this.dataSource,
      `SELECT count(*) AS contacts,
              count(*) FILTER (WHERE ${sendableSql('c')}) AS reachable,
              min(c.id::text) FILTER (WHERE ${sendableSql('c')}) AS sample
         FROM contacts c WHERE ${audienceSql(audience, 'c', params)}`,
      params,
    );
    return { contacts: Number(row.contacts), reachable: Number(row.reachable), sampleContactId: row.sample };
  }

  /** Whether any contact at all is in the audience; opted-out and erased ones count (they show as skipped). */
  async matchesAnyone(audience: CampaignAudience): Promise<boolean> {
    const params: unknown[] = [];
    const [row] = await queryRows<{ any: boolean }>(
      this.dataSource,
      `SELECT EXISTS (SELECT 1 FROM contacts c WHERE ${audienceSql(audience, 'c', params)}) AS any`,
      params,
    );
    return row.any;
  }

  /**
   * Undefined when there was nothing to do (already materialised, or another instance holds it).
   * The chunk size (CAMPAIGN_MATERIALISE_CHUNK) keeps each transaction to a second or two: the
   * embedded database serves nobody else during one, and sending starts after the first chunk.
   */
  materialiseChunk(campaignId: string): Promise<MaterialisedChunk | undefined> {
    const chunkSize = this.config.campaignMaterialiseChunk;
    return this.dataSource.transaction(async (tx) => {
      const [campaign] = await queryRows<LockedCampaign>(
        tx,
        `SELECT cp.id, cp.channel_id, ch.provider, cp.rate_per_second, (ch.config->>'maxPerSecond')::int AS channel_max_per_second,
                cp.message, cp.audience, cp.materialized_through, cp.send_window, cp.frequency_cap
           FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id
          WHERE cp.id = $1 AND cp.status = 'sending' AND cp.materialized_at IS NULL
          FOR UPDATE OF cp SKIP LOCKED`,
        [campaignId],
      );
      if (!campaign) return undefined;

      const upTo = await this.chunkEnd(tx, campaign, chunkSize);
      const chunk = (alias: string, params: unknown[]): string => {
        params.push(campaign.materialized_through, upTo ?? null);
        const [from, to] = [params.length - 1, params.length];
        return `${audienceSql(campaign.audience, alias, params)}
                AND ($${from}::uuid IS NULL OR ${alias}.id > $${from}::uuid) AND ($${to}::uuid IS NULL OR ${alias}.id <= $${to}::uuid)`;
      };

      const conversationParams: unknown[] = [campaign.channel_id];
      await tx.query(
        `INSERT INTO conversations (contact_id, channel_id)
         SELECT c.id, $1::uuid FROM contacts c WHERE ${chunk('c', conversationParams)} AND ${sendableSql('c')}
         ON CONFLICT (contact_id, channel_id) DO NOTHING`,
        conversationParams,
      );
      const inserted = await this.insertMessagesAndUnits(tx, campaign, chunk);
      // Recipients whose window is open now go out at once, in this same transaction.
      const released = campaign.send_window
        ? await this.held.releaseLocked(tx, { ...campaign, send_window: campaign.send_window }, new Date())
        : 0;

      const skipParams: unknown[] = [];
      const [counts] = await queryRows<{ invalid: string; opted_out: string; last: string | null }>(
        tx,
        `SELECT count(*) FILTER (WHERE c.erased_at IS NOT NULL OR c.phone IS NULL) AS invalid,
                count(*) FILTER (WHERE c.erased_at IS NULL AND c.phone IS NOT NULL AND c.opted_out_at IS NOT NULL) AS opted_out,
                max(c.id::text) AS last
           FROM contacts c WHERE ${chunk('c', skipParams)}`,
        skipParams,
      );
      const result: MaterialisedChunk = {
        done: upTo === undefined,
        queued: inserted.queued + released,
        held: inserted.held - released,
        skippedFrequencyCap: inserted.skipped,
        skippedInvalid: Number(counts.invalid),
        skippedOptedOut: Number(counts.opted_out),
      };
      // The audience's size is known from the first chunk on, so progress does not jump as chunks land;
      // the last chunk sets it to what was actually queued and skipped.
      const audienceSize =
        campaign.materialized_through === null && !result.done
          ? await this.audienceSize(tx, campaign)
          : undefined;
      await this.record(
        tx,
        campaign.id,
        result,
        upTo ?? counts.last ?? campaign.materialized_through,
        audienceSize,
      );
      return result;
    });
  }

  private async audienceSize(tx: EntityManager, campaign: LockedCampaign): Promise<number> {
    const params: unknown[] = [];
    const [row] = await queryRows<{ count: string }>(
      tx,
      `SELECT count(*) AS count FROM contacts c WHERE ${audienceSql(campaign.audience, 'c', params)}`,
      params,
    );
    return Number(row.count);
  }

  /** The id of the chunk's last audience member, or undefined when fewer than a chunk remain. */
  private async chunkEnd(
    tx: EntityManager,
    campaign: LockedCampaign,
    chunkSize: number,
  ): Promise<string | undefined> {
    const params: unknown[] = [campaign.materialized_through, chunkSize - 1];
    const [row] = await queryRows<{ id: string }>(
      tx,
      `SELECT c.id FROM contacts c
        WHERE ${audienceSql(campaign.audience, 'c', params)} AND ($1::uuid IS NULL OR c.id > $1::uuid)
        ORDER BY c.id OFFSET $2 LIMIT 1`,
      params,
    );
    return row?.id;
  }

  /**
   * One statement: the chunk's message rows, numbered into send units as they are inserted, and a
   * `campaign_batches` row per unit counted from what was actually inserted. With a send window every
   * row starts `held` with the recipient's zone (the release step queues the open zones); a contact
   * at its frequency cap gets a `skipped` row (reason `frequency_cap`) so it is listed. Neither is in
   * a unit.
   */
  private async insertMessagesAndUnits(
    tx: EntityManager,
    campaign: LockedCampaign,
    chunk: (alias: string, params: unknown[]) => string,
  ): Promise<{ queued: number; held: number; skipped: number }> {
    const plan = sendPlan(
      this.providers.get(campaign.provider).maxRecipientsPerRequest,
      tightestRate(campaign.rate_per_second, campaign.channel_max_per_second),
    );
    // Unique across campaigns and chunks; it is the client reference a batch provider sees.
    const prefix = `cmp_${campaign.id.replaceAll('-', '').slice(0, 12)}_${randomBytes(6).toString('hex')}`;
    const params: unknown[] = [
      campaign.id,
      campaign.channel_id,
      prefix,
      plan.unitSize,
      plan.batched,
      campaign.send_window !== null,
      campaign.frequency_cap?.max ?? null,
      campaign.frequency_cap?.perHours ?? null,
    ];
    const members = chunk('c', params);
    const content = contentSql(campaign.message, 'a', params);
    const [counts] = await queryRows<{ queued: string; held: string; skipped: string }>(
      tx,
      `WITH inserted AS (
         INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, recipient, content, status,
                               status_reason, time_zone, client_reference, batch_reference)
         SELECT 'outbound', $2::uuid, a.id, a.conversation_id, $1::uuid, a.phone, ${content}, a.status,
                CASE WHEN a.capped THEN 'frequency_cap' END, coalesce(a.time_zone, a.phone_time_zone),
                -- Batch providers are sent the unit's reference; single requests each need their own.
                CASE WHEN $5::boolean OR a.capped THEN NULL ELSE 'cmp_' || replace(gen_random_uuid()::text, '-', '') END,
                CASE WHEN a.status = 'queued' THEN $3::text || '_' || ((a.n - 1) / $4::int)::text END
           FROM (SELECT c.*, cv.id AS conversation_id, capped.capped,
                        CASE WHEN capped.capped THEN 'skipped' WHEN $6::boolean THEN 'held' ELSE 'queued' END AS status,
                        row_number() OVER (PARTITION BY capped.capped) AS n
                   FROM contacts c
                   JOIN conversations cv ON cv.contact_id = c.id AND cv.channel_id = $2
                   CROSS JOIN LATERAL (SELECT ${frequencyCappedSql('c', 7, 8)} AS capped) capped
                  -- Phones are unique among contacts, so each recipient appears once without a DISTINCT.
                  WHERE ${members} AND ${sendableSql('c')}) a
         ON CONFLICT DO NOTHING
         RETURNING batch_reference, status, conversation_id, content),
       -- The inbox shows what was sent: only the preview changes, so the activity indexes are not touched.
       -- A recipient the frequency cap skipped is not sent anything.
       previewed AS (
         UPDATE conversations cv SET last_message_preview = ${previewSql('i.content')}
           FROM inserted i WHERE cv.id = i.conversation_id AND i.status <> 'skipped'),
       units AS (
         INSERT INTO campaign_batches (reference, campaign_id, channel_id, size)
         SELECT batch_reference, $1::uuid, $2::uuid, count(*) FROM inserted WHERE batch_reference IS NOT NULL
          GROUP BY batch_reference
         RETURNING size)
       SELECT (SELECT coalesce(sum(size), 0) FROM units) AS queued,
              count(*) FILTER (WHERE status = 'held') AS held, count(*) FILTER (WHERE status = 'skipped') AS skipped
         FROM inserted`,
      params,
    );
    return { queued: Number(counts.queued), held: Number(counts.held), skipped: Number(counts.skipped) };
  }

  private async record(
    tx: EntityManager,
    id: string,
    chunk: MaterialisedChunk,
    through: string | null,
    audienceSize?: number,
  ): Promise<void> {
    await tx.query(
      `UPDATE campaigns
          SET skipped_opted_out = skipped_opted_out + $2, skipped_invalid = skipped_invalid + $3,
              total = CASE
                -- Every message row once: those in units, plus those still held and the skipped ones (in none).
                WHEN $6 THEN (SELECT coalesce(sum(size), 0) FROM campaign_batches WHERE campaign_id = $1)
                             + (SELECT count(*) FROM messages WHERE campaign_id = $1 AND status IN ('held', 'skipped'))
                             + skipped_opted_out + $2 + skipped_invalid + $3
                ELSE coalesce($4::int, total) END,
              materialized_through = $5, materialized_at = CASE WHEN $6 THEN now() END, updated_at = now()
        WHERE id = $1`,
      [id, chunk.skippedOptedOut, chunk.skippedInvalid, audienceSize ?? null, through, chunk.done],
    );
  }
}

/**
 * Whether the contact `alias` already received `$max` campaign messages (any campaign) in the last
 * `$hours` hours; false when `$max` is null. At most `max` rows are read per contact, from the
 * partial (contact_id, status_updated_at) index of sent campaign messages.
 */
export function frequencyCappedSql(alias: string, maxParam: number, hoursParam: number): string {
  return `($${maxParam}::int IS NOT NULL AND (
    SELECT count(*) FROM (
      SELECT 1 FROM messages s
       WHERE s.contact_id = ${alias}.id AND s.campaign_id IS NOT NULL
         AND s.status IN ('sent', 'delivered', 'read')
         AND s.status_updated_at > now() - make_interval(hours => $${hoursParam}::int)
       LIMIT $${maxParam}::int) recent) >= $${maxParam}::int)`;
}

export function audienceSql(audience: CampaignAudience, alias: string, params: unknown[]): string {
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

export function sendableSql(alias: string): string {
  return `${alias}.erased_at IS NULL AND ${alias}.phone IS NOT NULL AND ${alias}.opted_out_at IS NULL`;
}

function contentSql(message: CampaignMessage, alias: string, params: unknown[]): string {
  if (message.kind === 'template') {
    params.push(JSON.stringify(message));
    return `$${params.length}::jsonb`;
  }
  return `jsonb_build_object('kind', 'text', 'text', ${renderSql(parseCampaignText(message.text), alias, params)})`;
}
