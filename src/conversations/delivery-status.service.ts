import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';
import { queryRows } from '../database/query-rows.js';
import { MetricsService } from '../health/metrics.service.js';
import { InboxEvents } from './inbox-events.js';
import { type DeliveryReport, strongestReportPerMessage } from './strongest-reports.js';

/** A status change a delivery report made to an outbound message. */
export interface AppliedStatus {
  messageId: string;
  conversationId: string;
  status: string;
  statusReason: string | null;
  errorCode: string | null;
  statusUpdatedAt: Date;
}

export interface ReportsOutcome {
  /** Per report, in input order: whether a message it names exists. A report about no known message is retried later. */
  known: boolean[];
  changes: AppliedStatus[];
}

interface ChangedRow {
  report_index: number;
  id: string | null;
  conversation_id: string | null;
  status: string | null;
  status_reason: string | null;
  error_code: string | null;
  status_updated_at: Date | null;
}

/**
 * Matches the reports to their messages (by provider message id, or by batch and recipient) and
 * moves each message to the report's status when that ranks higher than its current one (see
 * message_status_rank), so a late `sent` never overwrites `delivered` and a duplicate changes nothing.
 * Answers one row per (report, message) matched, with the new values when the message changed.
 * Each change writes its `message.status` event to the outbox in the same statement.
 */
const APPLY_REPORTS_SQL = `
  WITH report AS (
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
    FROM target t LEFT JOIN changed c ON c.id = t.message_id`;

@Injectable()
export class DeliveryStatusService {
  private readonly statusChanges: Counter<'status'>;

  constructor(
    private readonly events: InboxEvents,
    metrics: MetricsService,
  ) {
    this.statusChanges = metrics.counter(
      'switchboard_message_status_changes_total',
      'Outbound message status changes made by delivery reports, by new status',
      ['status'] as const,
    );
  }

  /**
   * Applies a batch of delivery reports with one statement, in the caller's transaction. Several
   * reports about one message are reduced to the highest-ranked first, because an UPDATE … FROM
   * applies only one source row per target row. Call `publish` with the changes once committed.
   */
  async applyReports(
    db: DataSource | EntityManager,
    reports: readonly DeliveryReport[],
  ): Promise<ReportsOutcome> {
    const { chosen, standIn } = strongestReportPerMessage(reports);
    if (chosen.length === 0) return { known: reports.map(() => false), changes: [] };
    const rows = await queryRows<ChangedRow>(db, APPLY_REPORTS_SQL, [
      chosen.map((_, index) => index),
      chosen.map((report) => report.channelId),
      chosen.map((report) => report.event.providerMessageId ?? null),
      chosen.map((report) => report.event.providerBatchId ?? null),
      chosen.map((report) => report.event.recipient ?? null),
      chosen.map((report) => report.event.status),
      chosen.map((report) => report.event.statusReason ?? null),
      chosen.map((report) => report.event.errorCode ?? null),
      chosen.map((report) => report.event.providerStatus),
    ]);
    const matched = new Set(rows.map((row) => row.report_index));
    const changes = rows
      .filter(
        (
          row,
        ): row is ChangedRow & {
          id: string;
          conversation_id: string;
          status: string;
          status_updated_at: Date;
        } => row.id !== null,
      )
      .map((row) => ({
        messageId: row.id,
        conversationId: row.conversation_id,
        status: row.status,
        statusReason: row.status_reason,
        errorCode: row.error_code,
        statusUpdatedAt: row.status_updated_at,
      }));
    return { known: standIn.map((slot) => slot !== undefined && matched.has(slot)), changes };
  }

  /** Counts committed status changes in the metrics. */
  countCommitted(changes: readonly AppliedStatus[]): void {
    for (const change of changes) this.statusChanges.inc({ status: change.status });
  }

  /** Logs the status changes as inbox events, in the transaction that applies them. */
  async publish(tx: EntityManager, changes: readonly AppliedStatus[]): Promise<void> {
    await this.events.publishMany(
      tx,
      changes.map((change) => ({
        type: 'message.status' as const,
        data: {
          id: change.messageId,
          conversationId: change.conversationId,
          status: change.status,
          statusReason: change.statusReason,
          errorCode: change.errorCode,
          statusUpdatedAt: change.statusUpdatedAt.toISOString(),
        },
      })),
    );
  }
}
