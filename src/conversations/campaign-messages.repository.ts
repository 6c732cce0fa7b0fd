import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import type { MessageContent, MessageStatus } from '../channels/providers/channel-provider.interface.js';
import { decodeCursor } from '../common/pagination/cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { queryRows } from '../database/query-rows.js';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';
import { previewSql } from './conversations.service.js';
import { Message } from './message.entity.js';

/**
 * SQL built by the caller for a row alias, pushing its values onto `params` and referring to them
 * by position (`$n`): how campaign rules (audience, frequency cap, rendered text) enter a statement.
 */
export type SqlFragment = (alias: string, params: unknown[]) => string;

/** A queued recipient of a claimed send unit. */
export interface QueuedRecipient {
  id: string;
  recipient: string;
  content: MessageContent;
  client_reference: string | null;
  batch_reference: string;
}

/** A recipient's result that ends its sending. */
export interface RecipientFinal {
  id: string;
  status: 'sent' | 'failed' | 'rejected';
  attempts: number;
  providerMessageId?: string;
  providerBatchId?: string;
  reason?: string;
  errorCode?: string;
}

/** A recipient left queued for another try; its unit carries the retry time. */
export interface RecipientRetry {
  id: string;
  reason: string;
  /** The unit's attempts so far: like a final result, a row's count is its unit's. */
  attempts: number;
}

interface StatusCount {
  status: string;
  count: number;
}

/** One chunk of a campaign's audience to turn into message rows and send units. */
export interface AudienceChunk {
  campaignId: string;
  channelId: string;
  /** Unique across campaigns and chunks; unit references are `${unitPrefix}_${n}`. */
  unitPrefix: string;
  unitSize: number;
  /** Batch providers are sent the unit's reference; single requests each get a client reference. */
  batched: boolean;
  /** With a send window every recipient starts `held`. */
  windowed: boolean;
  /** Contacts of the chunk that can be sent to (alias `c`). */
  members: SqlFragment;
  /** Whether contact `c` is at its frequency cap. */
  capped: SqlFragment;
  /** The message content (jsonb) for audience row `a`, which has the contact's columns. */
  content: SqlFragment;
}

export interface HeldRelease {
  campaignId: string;
  channelId: string;
  zones: readonly string[];
  /** Also release recipients whose zone is unknown. */
  unknownZoneToo: boolean;
  unitPrefix: string;
  unitSize: number;
  /** At most this many rows per statement. */
  limit: number;
}

/**
 * The statements campaigns run on the `messages` and `conversations` tables, which this module
 * owns: materialising recipients into threads, the sender's and recovery's writes, held rows and
 * the per-campaign views. Statements that also write `campaign_batches` stay single statements
 * (a unit exists exactly when its rows do) and live here because they mainly write `messages`.
 */
@Injectable()
export class CampaignMessagesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The rows of the given units that still need sending (a retried unit resends only those). */
  queuedInUnits(references: readonly string[]): Promise<QueuedRecipient[]> {
    return queryRows<QueuedRecipient>(
      this.db,
      `SELECT id, recipient, content, client_reference, batch_reference FROM messages
        WHERE batch_reference = ANY($1::text[]) AND status = 'queued'`,
      [references],
    );
  }

  /**
   * Idempotent: a status only moves forward, and the event is written when the status is the one reported.
   * The results travel as one JSON document rather than seven arrays: node-postgres builds an array
   * parameter by string concatenation, which for a claim of a few thousand results allocated about
   * a kilobyte per recipient and was the largest source of garbage in a campaign (bench:dispatch).
   */
  async recordFinals(finals: readonly RecipientFinal[]): Promise<void> {
    if (finals.length === 0) return;
    await this.db.query(
      `WITH changed AS (
         UPDATE messages m
            SET status = CASE WHEN message_status_rank(m.status) < message_status_rank(r.status) THEN r.status ELSE m.status END,
                provider_message_id = coalesce(r."providerMessageId", m.provider_message_id),
                provider_batch_id = coalesce(r."providerBatchId", m.provider_batch_id),
                status_reason = left(r.reason, 1000), error_code = r."errorCode", attempts = r.attempts,
                status_updated_at = now()
           FROM json_to_recordset($1::json)
                AS r(id uuid, status text, "providerMessageId" text, "providerBatchId" text, reason text, "errorCode" text, attempts int)
          WHERE m.id = r.id
         RETURNING m.*, r.status AS reported_status
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'), 'm.status = m.reported_status')})
       SELECT 1`,
      [JSON.stringify(finals)],
    );
  }

  /** The rows say why they are still queued. */
  async recordRetries(retries: readonly RecipientRetry[]): Promise<void> {
    if (retries.length === 0) return;
    await this.db.query(
      `UPDATE messages m SET status_reason = r.reason, attempts = r.attempts
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS r(id, reason, attempts)
        WHERE m.id = r.id AND m.status = 'queued'`,
      [retries.map((r) => r.id), retries.map((r) => r.reason.slice(0, 1000)), retries.map((r) => r.attempts)],
    );
  }

  /** The campaign's unsent (queued or held) rows fail with `reason`, in the caller's transaction. */
  async failUnsent(tx: EntityManager, campaignId: string, reason: string): Promise<void> {
    await tx.query(
      `WITH changed AS (
         UPDATE messages SET status = 'failed', status_reason = $2, status_updated_at = now()
          WHERE campaign_id = $1 AND status IN ('queued', 'held')
         RETURNING *
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
       SELECT 1`,
      [campaignId, reason],
    );
  }

  /** Queued rows that may have reached the provider and cannot be checked fail as `interrupted`. */
  async failInterrupted(ids: readonly string[]): Promise<void> {
    await this.db.query(
      `WITH changed AS (
         UPDATE messages SET status = 'failed', status_reason = 'interrupted', status_updated_at = now()
          WHERE id = ANY($1::uuid[]) AND status = 'queued'
         RETURNING *
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
       SELECT 1`,
      [ids],
    );
  }

  /** Rows the provider turned out to have received are `sent`, with the batch it had them in. */
  async recordRecovered(reached: ReadonlyArray<{ id: string; batchId: string }>): Promise<void> {
    if (reached.length === 0) return;
    await this.db.query(
      `WITH changed AS (
         UPDATE messages m
            SET status = CASE WHEN message_status_rank(m.status) < message_status_rank('sent') THEN 'sent' ELSE m.status END,
                provider_batch_id = r.batch_id, status_reason = 'Recovered: the provider had the batch', status_updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS r(id, batch_id)
          WHERE m.id = r.id
         RETURNING m.*
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'), "m.status = 'sent'")})
       SELECT 1`,
      [reached.map((row) => row.id), reached.map((row) => row.batchId)],
    );
  }

  /**
   * The campaigns' messages counted by status: a few counter rows per campaign, kept by triggers on
   * `messages` (migration 1732530000000), never a scan of the messages themselves.
   */
  async statusCounts(campaignIds: readonly string[]): Promise<Map<string, StatusCount[]>> {
    const byCampaign = new Map<string, StatusCount[]>();
    if (campaignIds.length === 0) return byCampaign;
    const rows = await queryRows<{ campaign_id: string; status: string; count: string }>(
      this.db,
      `SELECT campaign_id, status, sum(count) AS count FROM campaign_status_counts
        WHERE campaign_id = ANY($1::uuid[]) GROUP BY campaign_id, status HAVING sum(count) <> 0`,
      [campaignIds],
    );
    for (const row of rows) {
      const list = byCampaign.get(row.campaign_id) ?? [];
      list.push({ status: row.status, count: Number(row.count) });
      byCampaign.set(row.campaign_id, list);
    }
    return byCampaign;
  }

  /**
   * A campaign's messages, newest first, optionally of one status. `messages_campaign_status_idx`
   * (campaign, status, created_at, id) is walked backwards once per status the campaign has messages
   * in, and the walks merged, so a page reads about a page per status however large the campaign.
   * The statuses come from the kept counts: a status the campaign has left (every `queued` row of a
   * finished campaign) still has an index entry for each row that was in it until vacuum removes
   * them, and walking a million of those to find nothing took most of a page's time.
   */
  async page(
    campaignId: string,
    limit: number,
    cursor?: string,
    status?: MessageStatus,
  ): Promise<Page<Message>> {
    const position = cursor ? decodeCursor(cursor) : undefined;
    const before = position ? `AND (e.created_at, e.id) < (:at::timestamptz, :cursorId::uuid)` : '';
    const query = this.db
      .getRepository(Message)
      .createQueryBuilder('m')
      .where('m.campaign_id = :id', { id: campaignId })
      .andWhere(
        `m.id IN (
           SELECT newest.id
             FROM (SELECT status FROM campaign_status_counts
                    WHERE campaign_id = :id ${status ? 'AND status = :status' : ''}
                    GROUP BY status HAVING sum(count) > 0) AS s
            CROSS JOIN LATERAL (
              SELECT e.id, e.created_at FROM messages e
               WHERE e.campaign_id = :id AND e.status = s.status ${before}
               ORDER BY e.created_at DESC, e.id DESC LIMIT :take
            ) AS newest
            ORDER BY newest.created_at DESC, newest.id DESC LIMIT :take)`,
        { take: limit + 1, status, ...(position && { at: position.at, cursorId: position.id }) },
      )
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .take(limit + 1);
    return toPage(
      await query.getMany(),
      limit,
      (m) => ({ at: m.createdAt, id: m.id }),
      (m) => m,
    );
  }

  /** The rows of a unit still queued, for recovery to match against what the provider received. */
  queuedInUnit(reference: string): Promise<Array<{ id: string; recipient: string }>> {
    return queryRows<{ id: string; recipient: string }>(
      this.db,
      `SELECT id, recipient FROM messages WHERE batch_reference = $1 AND status = 'queued'`,
      [reference],
    );
  }

  /**
   * Opens a thread on the channel for every member of the chunk that has none yet, already showing
   * the campaign's text as its preview (none for a contact at its frequency cap, who is sent nothing).
   * Written at insert, the row is never updated by {@link insertRecipientsAndUnits}: updating a row
   * just inserted into a full page cannot stay on that page, so it would write every index of
   * `conversations` a second time.
   */
  async openConversations(
    tx: EntityManager,
    chunk: Pick<AudienceChunk, 'channelId' | 'members' | 'capped' | 'content'>,
  ): Promise<void> {
    const params: unknown[] = [chunk.channelId];
    const capped = chunk.capped('c', params);
    const content = chunk.content('c', params);
    await tx.query(
      `INSERT INTO conversations (contact_id, channel_id, last_message_preview)
       SELECT c.id, $1::uuid, CASE WHEN ${capped} THEN NULL ELSE ${previewSql(content)} END
         FROM contacts c WHERE ${chunk.members('c', params)}
       ON CONFLICT (contact_id, channel_id) DO NOTHING`,
      params,
    );
  }

  /**
   * One statement: the chunk's message rows, numbered into send units as they are inserted, and a
   * `campaign_batches` row per unit counted from what was actually inserted. With a send window every
   * row starts `held` with the recipient's zone (the release step queues the open zones); a contact
   * at its frequency cap gets a `skipped` row (reason `frequency_cap`) so it is listed. Neither is in
   * a unit. Exactly once: a recipient already in the campaign conflicts and is not inserted again.
   */
  async insertRecipientsAndUnits(
    tx: EntityManager,
    chunk: AudienceChunk,
  ): Promise<{ queued: number; held: number; skipped: number }> {
    const params: unknown[] = [
      chunk.campaignId,
      chunk.channelId,
      chunk.unitPrefix,
      chunk.unitSize,
      chunk.batched,
      chunk.windowed,
    ];
    const capped = chunk.capped('c', params);
    const members = chunk.members('c', params);
    const content = chunk.content('a', params);
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
                   CROSS JOIN LATERAL (SELECT ${capped} AS capped) capped
                  -- Phones are unique among contacts, so each recipient appears once without a DISTINCT.
                  WHERE ${members}) a
         ON CONFLICT DO NOTHING
         RETURNING batch_reference, status, conversation_id, content),
       -- The inbox shows what was sent: only the preview changes, so the activity indexes are not touched.
       -- A recipient the frequency cap skipped is not sent anything. Threads this chunk opened have it already.
       previewed AS (
         UPDATE conversations cv SET last_message_preview = ${previewSql('i.content')}
           FROM inserted i
          WHERE cv.id = i.conversation_id AND i.status <> 'skipped'
            AND cv.last_message_preview IS DISTINCT FROM ${previewSql('i.content')}),
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

  /**
   * The distinct zones of a campaign's held rows, as a skip scan over the held index (one probe per
   * zone), so a million held rows in forty zones cost forty index look-ups, not a million-row scan.
   */
  async heldZones(tx: EntityManager, campaignId: string): Promise<string[]> {
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

  /**
   * One statement: up to `limit` held rows of the open zones become `queued`, numbered into send
   * units, and a `campaign_batches` row per unit is inserted. The caller holds the campaign row's
   * lock in `tx`. Returns how many rows were released.
   */
  async releaseHeld(tx: EntityManager, release: HeldRelease): Promise<number> {
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
      [
        release.campaignId,
        release.channelId,
        release.zones,
        release.unknownZoneToo,
        release.unitPrefix,
        release.limit,
        release.unitSize,
      ],
    );
    return units.reduce((sum, unit) => sum + unit.size, 0);
  }
}
