import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';

import type { MessageContent } from '../channels/providers/channel-provider.interface.js';
import { decodeCursor } from '../common/pagination/cursor.js';
import { queryRows } from '../database/query-rows.js';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';
import { Message } from './message.entity.js';
import type { DeliveryReport } from './strongest-reports.js';

/** A delivery report matched to a message: the new values when it changed the message, nulls when it did not. */
export interface ReportMatchRow {
  /** The report's index in the input. */
  report_index: number;
  id: string | null;
  conversation_id: string | null;
  status: string | null;
  status_reason: string | null;
  error_code: string | null;
  status_updated_at: Date | null;
}

/** A message's status as the live stream announces it. */
export interface MessageStatusRow {
  id: string;
  conversationId: string;
  status: string;
  statusReason: string | null;
  errorCode: string | null;
  statusUpdatedAt: Date;
}

/** A single outbound message taken for a provider call under a lease. */
export interface ClaimedSingleRow {
  id: string;
  channel_id: string;
  recipient: string;
  content: MessageContent;
  client_reference: string;
  attempts: number;
  status_reason: string | null;
}

export interface NewInboundMessage {
  channelId: string;
  contactId: string;
  conversationId: string;
  from: string;
  content: MessageContent;
  providerMessageId: string;
  receivedAt: Date;
}

export interface NewOutboundMessage {
  id: string;
  channelId: string;
  contactId: string;
  conversationId: string;
  recipient: string | null;
  content: MessageContent;
  sentByUserId?: string | null;
  /** `queued` with a lease for the call that follows, or `sent` for a reply the provider delivers itself. */
  status: 'queued' | 'sent';
  statusReason?: string;
  clientReference?: string;
  attempts?: number;
  sendingUntil?: Date;
}

/**
 * The `messages` table for single messages, inbound messages and delivery reports (campaign rows:
 * CampaignMessagesRepository). Statements that change a message's status also write its event to
 * the event-webhook outbox in the same statement, so the event exists exactly when the change does;
 * those statements live here because the message row is what they change.
 */
@Injectable()
export class MessagesRepository {
  constructor(
    @InjectRepository(Message) private readonly messages: Repository<Message>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  findById(id: string, tx?: EntityManager): Promise<Message | null> {
    return (tx?.getRepository(Message) ?? this.messages).findOneBy({ id });
  }

  /** Up to `limit` + 1 messages of a conversation, newest first, older than the cursor. */
  threadPage(conversationId: string, limit: number, cursor?: string): Promise<Message[]> {
    const query = this.messages
      .createQueryBuilder('m')
      .where('m.conversation_id = :conversationId', { conversationId })
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit + 1);
    if (cursor) query.andWhere('(m.created_at, m.id) < (:at, :id)', decodeCursor(cursor));
    return query.getMany();
  }

  async insertOutbound(tx: EntityManager, message: NewOutboundMessage): Promise<void> {
    await tx.getRepository(Message).insert({ ...message, direction: 'outbound' });
  }

  /**
   * Stores an inbound message with its `message.received` event; answers its id, or undefined when
   * this provider message was stored before (a redelivery).
   */
  async insertInbound(tx: EntityManager, message: NewInboundMessage): Promise<string | undefined> {
    const [inserted] = await queryRows<{ id: string }>(
      tx,
      `WITH inserted AS (
         INSERT INTO messages (direction, channel_id, contact_id, conversation_id, recipient, content, status, provider_message_id, created_at, status_updated_at)
         VALUES ('inbound', $1, $2, $3, $4, $5, 'received', $6, $7, $7)
         ON CONFLICT (channel_id, direction, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
         RETURNING *
       ), event AS (${outboxInsert('message.received', 'inserted m', messageJson('m'))})
       SELECT id FROM inserted`,
      [
        message.channelId,
        message.contactId,
        message.conversationId,
        message.from,
        JSON.stringify(message.content),
        message.providerMessageId,
        message.receivedAt,
      ],
    );
    return inserted?.id;
  }

  async findInboundId(channelId: string, providerMessageId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM messages WHERE channel_id = $1 AND direction = 'inbound' AND provider_message_id = $2`,
      [channelId, providerMessageId],
    );
    return row?.id;
  }

  /**
   * Matches the reports to their messages (by provider message id, or by batch and recipient) and
   * moves each message to the report's status when that ranks higher than its current one (see
   * message_status_rank), so a late `sent` never overwrites `delivered` and a duplicate changes
   * nothing. At most one report per message: an UPDATE … FROM applies only one source row per
   * target row. Answers one row per (report, message) matched.
   */
  applyDeliveryReports(
    db: DataSource | EntityManager,
    reports: readonly DeliveryReport[],
  ): Promise<ReportMatchRow[]> {
    return queryRows<ReportMatchRow>(
      db,
      `WITH report AS (
         SELECT * FROM unnest($1::int[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
           AS r(report_index, channel_id, provider_message_id, provider_batch_id, recipient, status, status_reason, error_code, provider_status)
       ),
       target AS (
         SELECT r.*, m.id AS message_id
           FROM report r
           JOIN messages m ON m.channel_id = r.channel_id AND m.direction = 'outbound' AND m.provider_message_id = r.provider_message_id
         UNION ALL
         SELECT r.*, m.id AS message_id
           FROM report r
           JOIN messages m ON m.provider_batch_id = r.provider_batch_id AND m.recipient = r.recipient
                          AND m.channel_id = r.channel_id AND m.direction = 'outbound' AND m.provider_batch_id IS NOT NULL
          WHERE r.provider_message_id IS NULL
       ),
       changed AS (
         UPDATE messages m
            SET status = t.status, status_reason = t.status_reason, error_code = t.error_code,
                provider_status = t.provider_status, status_updated_at = now()
           FROM target t
          WHERE m.id = t.message_id AND message_status_rank(m.status) < message_status_rank(t.status)
         RETURNING m.*
       ),
       event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
       SELECT t.report_index, c.id, c.conversation_id, c.status, c.status_reason, c.error_code, c.status_updated_at
         FROM target t LEFT JOIN changed c ON c.id = t.message_id`,
      [
        reports.map((_, index) => index),
        reports.map((report) => report.channelId),
        reports.map((report) => report.event.providerMessageId ?? null),
        reports.map((report) => report.event.providerBatchId ?? null),
        reports.map((report) => report.event.recipient ?? null),
        reports.map((report) => report.event.status),
        reports.map((report) => report.event.statusReason ?? null),
        reports.map((report) => report.event.errorCode ?? null),
        reports.map((report) => report.event.providerStatus),
      ],
    );
  }

  /**
   * Leases up to `limit` single messages due for a (re)try to this instance, counting the attempt;
   * `FOR UPDATE SKIP LOCKED` gives each to one instance only.
   */
  claimDueSingles(leaseSeconds: number, limit: number): Promise<ClaimedSingleRow[]> {
    return queryRows<ClaimedSingleRow>(
      this.dataSource,
      `UPDATE messages m
          SET sending_until = now() + make_interval(secs => $1), attempts = m.attempts + 1
        WHERE m.id IN (
          SELECT id FROM messages
           WHERE status = 'queued' AND direction = 'outbound' AND campaign_id IS NULL
             AND sending_until IS NULL AND next_attempt_at <= now()
           ORDER BY next_attempt_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING m.id, m.channel_id, m.recipient, m.content, m.client_reference, m.attempts, m.status_reason`,
      [leaseSeconds, limit],
    );
  }

  /** Leases one message whose send-limit moment has come, unless another instance already took it. */
  async claimReserved(id: string, leaseSeconds: number): Promise<ClaimedSingleRow | undefined> {
    const [row] = await queryRows<ClaimedSingleRow>(
      this.dataSource,
      `UPDATE messages SET sending_until = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE id = $1 AND status = 'queued' AND sending_until IS NULL
        RETURNING id, channel_id, recipient, content, client_reference, attempts, status_reason`,
      [id, leaseSeconds],
    );
    return row;
  }

  /**
   * Single messages whose sender's lease ran out may or may not have reached the provider: they are
   * failed as `interrupted` rather than sent twice.
   */
  failInterruptedSingles(tx: EntityManager): Promise<MessageStatusRow[]> {
    return queryRows<MessageStatusRow>(
      tx,
      `WITH changed AS (
         UPDATE messages
            SET status = 'failed', status_reason = 'interrupted', sending_until = NULL, status_updated_at = now()
          WHERE status = 'queued' AND direction = 'outbound' AND campaign_id IS NULL AND sending_until < now()
         RETURNING *
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
       SELECT id, conversation_id AS "conversationId", status, status_reason AS "statusReason",
              error_code AS "errorCode", status_updated_at AS "statusUpdatedAt"
         FROM changed`,
    );
  }

  /** The provider took the message: `sent`, unless a delivery report already moved it further. */
  async recordAccepted(
    tx: EntityManager,
    id: string,
    providerMessageId: string | null,
    providerBatchId: string | null,
  ): Promise<void> {
    await tx.query(
      `WITH before AS (SELECT id, status FROM messages WHERE id = $1 FOR UPDATE),
       changed AS (
         UPDATE messages m
            SET status = CASE WHEN message_status_rank(m.status) < message_status_rank('sent') THEN 'sent' ELSE m.status END,
                provider_message_id = $2, provider_batch_id = $3, sending_until = NULL, next_attempt_at = NULL, status_reason = NULL,
                status_updated_at = now()
           FROM before b WHERE m.id = b.id
         RETURNING m.*, b.status AS old_status
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'), 'm.status <> m.old_status')})
       SELECT 1`,
      [id, providerMessageId, providerBatchId],
    );
  }

  /** Ends a queued message as failed or rejected. */
  async finishQueued(
    tx: EntityManager,
    id: string,
    status: 'failed' | 'rejected',
    reason: string,
    errorCode?: string,
  ): Promise<void> {
    await tx.query(
      `WITH changed AS (
         UPDATE messages SET status = $2, status_reason = $3, error_code = $4, sending_until = NULL, next_attempt_at = NULL,
                status_updated_at = now()
          WHERE id = $1 AND status = 'queued'
         RETURNING *
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
       SELECT 1`,
      [id, status, reason.slice(0, 1000), errorCode ?? null],
    );
  }

  /** Releases the lease and tries again after `delayMs`, saying why. */
  async scheduleRetry(tx: EntityManager, id: string, delayMs: number, reason: string): Promise<void> {
    await tx.query(
      `UPDATE messages SET sending_until = NULL, next_attempt_at = now() + make_interval(secs => $2), status_reason = $3 WHERE id = $1`,
      [id, delayMs / 1000, reason],
    );
  }

  /**
   * Releases the lease until the moment reserved under the channel's send limit, `waitMs` from now;
   * waiting is not an attempt, so the attempt is given back.
   */
  async waitForSendLimit(tx: EntityManager, id: string, waitMs: number, reason: string): Promise<void> {
    await tx.query(
      `UPDATE messages
          SET sending_until = NULL, attempts = greatest(attempts - 1, 0),
              next_attempt_at = now() + make_interval(secs => $2 / 1000.0), status_reason = $3
        WHERE id = $1 AND status = 'queued'`,
      [id, waitMs, reason],
    );
  }
}
