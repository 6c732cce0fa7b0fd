import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { MetricsService } from '../health/metrics.service.js';
import { InboxEvents } from './inbox-events.js';
import { messageStatusEvent } from './message-status-event.js';
import { MessagesRepository, type ReportMatchRow } from './messages.repository.js';
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

@Injectable()
export class DeliveryStatusService {
  private readonly statusChanges: Counter<'status'>;

  constructor(
    private readonly messages: MessagesRepository,
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
   * Applies a batch of delivery reports with one statement, in the caller's transaction: a message
   * only moves to a higher-ranked status, so a late `sent` never overwrites `delivered` and a
   * duplicate changes nothing. Several reports about one message are reduced to the highest-ranked
   * first. Call `publish` with the changes in the same transaction.
   */
  async applyReports(
    db: DataSource | EntityManager,
    reports: readonly DeliveryReport[],
  ): Promise<ReportsOutcome> {
    const { chosen, standIn } = strongestReportPerMessage(reports);
    if (chosen.length === 0) return { known: reports.map(() => false), changes: [] };
    const rows = await this.messages.applyDeliveryReports(db, chosen);
    const matched = new Set(rows.map((row) => row.report_index));
    const changes = rows
      .filter(
        (
          row,
        ): row is ReportMatchRow & {
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
        data: messageStatusEvent({ ...change, id: change.messageId }),
      })),
    );
  }
}
