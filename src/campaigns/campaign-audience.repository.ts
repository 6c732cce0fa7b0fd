import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import type { SqlFragment } from '../conversations/campaign-messages.repository.js';
import { queryRows } from '../database/query-rows.js';
import { audienceSql, frequencyCappedSql, sendableSql } from './audience-sql.js';
import type { CampaignAudience } from './campaign.entity.js';
import { parseCampaignText, renderSql } from './campaign-text.js';
import type { PreviewSettings } from './campaigns.repository.js';
import { SMS_SQL_PARAMS, smsCountLateral } from './sms-encoding.js';

/** Contacts of one preview class and zone with their rendered texts' SMS figures. */
export interface PreviewGroup {
  kind: 'invalid' | 'opted_out' | 'capped' | 'recipient';
  zone: string | null;
  count: string;
  all_gsm: boolean | null;
  min_segments: number | null;
  max_segments: number | null;
  segments: string | null;
}

/**
 * Read-only questions campaigns ask of the `contacts` table about an audience: its size, its chunks
 * in id order, what a chunk skipped and the preview's classification. The audience filters are
 * campaign rules, so these statements live with campaigns; nothing here writes contacts.
 */
@Injectable()
export class CampaignAudienceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** How many contacts the audience holds, how many of them a campaign would send to, and one of those. */
  async size(
    audience: CampaignAudience,
  ): Promise<{ contacts: number; reachable: number; sampleContactId: string | null }> {
    const params: unknown[] = [];
    const [row] = await queryRows<{ contacts: string; reachable: string; sample: string | null }>(
      this.db,
      `SELECT count(*) AS contacts,
              count(*) FILTER (WHERE ${sendableSql('c')}) AS reachable,
              min(c.id::text) FILTER (WHERE ${sendableSql('c')}) AS sample
         FROM contacts c WHERE ${audienceSql(audience, 'c', params)}`,
      params,
    );
    return { contacts: Number(row.contacts), reachable: Number(row.reachable), sampleContactId: row.sample };
  }

  /** Whether any contact at all is in the audience; opted-out and erased ones count. */
  async matchesAnyone(audience: CampaignAudience): Promise<boolean> {
    const params: unknown[] = [];
    const [row] = await queryRows<{ any: boolean }>(
      this.db,
      `SELECT EXISTS (SELECT 1 FROM contacts c WHERE ${audienceSql(audience, 'c', params)}) AS any`,
      params,
    );
    return row.any;
  }

  async count(tx: EntityManager, audience: CampaignAudience): Promise<number> {
    const params: unknown[] = [];
    const [row] = await queryRows<{ count: string }>(
      tx,
      `SELECT count(*) AS count FROM contacts c WHERE ${audienceSql(audience, 'c', params)}`,
      params,
    );
    return Number(row.count);
  }

  /** The id of the `chunkSize`-th audience member after `after`, or undefined when fewer remain. */
  async chunkEnd(
    tx: EntityManager,
    audience: CampaignAudience,
    after: string | null,
    chunkSize: number,
  ): Promise<string | undefined> {
    const params: unknown[] = [after, chunkSize - 1];
    const [row] = await queryRows<{ id: string }>(
      tx,
      `SELECT c.id FROM contacts c
        WHERE ${audienceSql(audience, 'c', params)} AND ($1::uuid IS NULL OR c.id > $1::uuid)
        ORDER BY c.id OFFSET $2 LIMIT 1`,
      params,
    );
    return row?.id;
  }

  /** The contacts of a chunk that cannot be sent to, and the chunk's last id. */
  async skippedIn(
    tx: EntityManager,
    chunk: SqlFragment,
  ): Promise<{ invalid: number; optedOut: number; last: string | null }> {
    const params: unknown[] = [];
    const [counts] = await queryRows<{ invalid: string; opted_out: string; last: string | null }>(
      tx,
      `SELECT count(*) FILTER (WHERE c.erased_at IS NOT NULL OR c.phone IS NULL) AS invalid,
              count(*) FILTER (WHERE c.erased_at IS NULL AND c.phone IS NOT NULL AND c.opted_out_at IS NOT NULL) AS opted_out,
              max(c.id::text) AS last
         FROM contacts c WHERE ${chunk('c', params)}`,
      params,
    );
    return { invalid: Number(counts.invalid), optedOut: Number(counts.opted_out), last: counts.last };
  }

  /**
   * One scan of the audience that classifies each contact as the materialisation would (invalid,
   * opted out, at its frequency cap, recipient), renders each recipient's text in SQL and counts
   * its SMS segments there, grouped by time zone. Identical rendered texts are counted once.
   */
  previewGroups(campaign: PreviewSettings): Promise<PreviewGroup[]> {
    const params: unknown[] = [
      ...SMS_SQL_PARAMS,
      campaign.frequency_cap?.max ?? null,
      campaign.frequency_cap?.perHours ?? null,
    ];
    const text =
      campaign.message.kind === 'text'
        ? renderSql(parseCampaignText(campaign.message.text), 'c', params)
        : `''::text`;
    const audience = audienceSql(campaign.audience, 'c', params);
    return queryRows<PreviewGroup>(
      this.db,
      `WITH texts AS (
         SELECT r.kind, r.zone, r.text, count(*) AS n
           FROM (SELECT CASE WHEN c.erased_at IS NOT NULL OR c.phone IS NULL THEN 'invalid'
                             WHEN c.opted_out_at IS NOT NULL THEN 'opted_out'
                             WHEN ${frequencyCappedSql('c', 4, 5)} THEN 'capped'
                             ELSE 'recipient' END AS kind,
                        CASE WHEN ${sendableSql('c')} THEN coalesce(c.time_zone, c.phone_time_zone) END AS zone,
                        CASE WHEN ${sendableSql('c')} THEN ${text} END AS text
                   FROM contacts c WHERE ${audience}) r
          GROUP BY r.kind, r.zone, r.text)
       SELECT t.kind, t.zone, sum(t.n) AS count,
              bool_and(m.is_gsm) FILTER (WHERE t.kind = 'recipient') AS all_gsm,
              min(m.segments) FILTER (WHERE t.kind = 'recipient') AS min_segments,
              max(m.segments) FILTER (WHERE t.kind = 'recipient') AS max_segments,
              sum(m.segments * t.n) FILTER (WHERE t.kind = 'recipient') AS segments
         FROM texts t CROSS JOIN LATERAL ${smsCountLateral('t.text', [1, 2, 3])} m
        GROUP BY t.kind, t.zone`,
      params,
    );
  }
}
