import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

import type { MessageStatus } from '../channels/providers/channel-provider.interface.js';
import { statusRank } from '../channels/providers/delivery-status.js';
import { DeliveryStatusService } from '../conversations/delivery-status.service.js';
import type { InboxEvent } from '../conversations/inbox-event-log.js';
import type { InboxEvents } from '../conversations/inbox-events.js';
import type { MessagesRepository, ReportMatchRow } from '../conversations/messages.repository.js';
import type { DeliveryReport, DeliveryStatusEvent } from '../conversations/strongest-reports.js';
import { MetricsService } from '../health/metrics.service.js';
import { DeliveryReportProcessor } from './delivery-report.processor.js';
import type {
  ClaimedDeliveryReport,
  UnknownMessagePolicy,
  WebhookEventsRepository,
} from './webhook-events.repository.js';

const CHANNEL_ID = '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const TX = {} as EntityManager;

/** Outbound messages in memory, keyed by provider message id; a report only moves one forward. */
class MessagesTable implements Pick<MessagesRepository, 'applyDeliveryReports'> {
  readonly statuses = new Map<string, MessageStatus>();
  failOn: string | undefined;

  applyDeliveryReports(_db: unknown, reports: readonly DeliveryReport[]): Promise<ReportMatchRow[]> {
    if (reports.some((report) => report.event.providerMessageId === this.failOn)) {
      return Promise.reject(new Error('deadlock detected'));
    }
    const rows: ReportMatchRow[] = [];
    reports.forEach((report, index) => {
      const id = report.event.providerMessageId ?? '';
      const current = this.statuses.get(id);
      if (current === undefined) return;
      const moves = statusRank(current) < statusRank(report.event.status);
      if (moves) this.statuses.set(id, report.event.status);
      rows.push({
        report_index: index,
        id: moves ? id : null,
        conversation_id: moves ? 'conversation-1' : null,
        status: moves ? report.event.status : null,
        status_reason: null,
        error_code: null,
        status_updated_at: moves ? new Date('2026-12-07T08:00:00Z') : null,
      });
    });
    return Promise.resolve(rows);
  }
}

interface StoredReport {
  id: string;
  payload: DeliveryStatusEvent;
  attempts: number;
  processed: boolean;
  lastError: string | null;
}

/** The delivery reports in webhook_events, with the statements the processor uses. */
class StoredReports implements Pick<
  WebhookEventsRepository,
  'claimDeliveryReports' | 'recordDeliveryReportOutcomes' | 'recordDeliveryReportFailure'
> {
  readonly rows: StoredReport[] = [];

  add(messageId: string, status: MessageStatus): string {
    const id = `event-${this.rows.length + 1}`;
    const payload: DeliveryStatusEvent = {
      type: 'delivery-status',
      dedupKey: `${messageId}:${status}`,
      providerMessageId: messageId,
      status,
      providerStatus: status.toUpperCase(),
    };
    this.rows.push({ id, payload, attempts: 0, processed: false, lastError: null });
    return id;
  }

  byId(id: string): StoredReport {
    const row = this.rows.find((candidate) => candidate.id === id);
    if (!row) throw new Error(`no event ${id}`);
    return row;
  }

  claimDeliveryReports(_tx: EntityManager, ids: readonly string[]): Promise<ClaimedDeliveryReport[]> {
    const claimed = this.rows
      .filter((row) => ids.includes(row.id) && !row.processed)
      .map((row) => ({ id: row.id, channel_id: CHANNEL_ID, payload: row.payload }));
    return Promise.resolve(claimed);
  }

  recordDeliveryReportOutcomes(
    _tx: EntityManager,
    ids: readonly string[],
    known: readonly boolean[],
    unknown: UnknownMessagePolicy,
  ): Promise<void> {
    ids.forEach((id, index) => {
      const row = this.byId(id);
      row.attempts += 1;
      const givingUp = !known[index] && row.attempts >= unknown.maxAttempts;
      row.processed = known[index] || givingUp;
      row.lastError = known[index] ? null : givingUp ? `gave up: ${unknown.error}` : unknown.error;
    });
    return Promise.resolve();
  }

  recordDeliveryReportFailure(id: string, error: string): Promise<void> {
    const row = this.byId(id);
    row.attempts += 1;
    row.lastError = error;
    return Promise.resolve();
  }
}

function newProcessor() {
  const messages = new MessagesTable();
  const reports = new StoredReports();
  const published: InboxEvent[] = [];
  const inboxEvents = {
    publishMany: (_tx: EntityManager, events: readonly InboxEvent[]) => {
      published.push(...events);
      return Promise.resolve();
    },
  };
  const transactions = {
    transaction: <T>(work: (tx: EntityManager) => Promise<T>) => work(TX),
  };
  const deliveryStatus = new DeliveryStatusService(
    messages as unknown as MessagesRepository,
    inboxEvents as unknown as InboxEvents,
    new MetricsService(),
  );
  const sut = new DeliveryReportProcessor(
    transactions as unknown as DataSource,
    reports as unknown as WebhookEventsRepository,
    deliveryStatus,
  );
  return { sut, messages, reports, published };
}

describe('DeliveryReportProcessor', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('keeps the strongest status when reports about one message arrive out of order', async () => {
    const { sut, messages, reports, published } = newProcessor();
    messages.statuses.set('msg-1', 'sent');
    const ids = [
      reports.add('msg-1', 'read'),
      reports.add('msg-1', 'delivered'),
      reports.add('msg-1', 'sent'),
    ];

    await sut.process(ids);

    expect(messages.statuses.get('msg-1')).toBe('read');
    expect(published.map((event) => event.data)).toEqual([
      expect.objectContaining({ id: 'msg-1', status: 'read' }),
    ]);
    expect(ids.map((id) => reports.byId(id).processed)).toEqual([true, true, true]);
  });

  it('never moves a message back: a late report is done without a change', async () => {
    const { sut, messages, reports, published } = newProcessor();
    messages.statuses.set('msg-1', 'delivered');
    const late = reports.add('msg-1', 'sent');

    await sut.process([late]);

    expect(messages.statuses.get('msg-1')).toBe('delivered');
    expect(published).toEqual([]);
    expect(reports.byId(late)).toMatchObject({ processed: true, lastError: null });
  });

  it('keeps a report about an unknown message for a later try, and applies the others of its batch', async () => {
    const { sut, messages, reports } = newProcessor();
    messages.statuses.set('msg-1', 'sent');
    const known = reports.add('msg-1', 'delivered');
    const unknown = reports.add('msg-from-another-instance', 'delivered');

    await sut.process([known, unknown]);

    expect(messages.statuses.get('msg-1')).toBe('delivered');
    expect(reports.byId(known).processed).toBe(true);
    expect(reports.byId(unknown)).toMatchObject({
      processed: false,
      attempts: 1,
      lastError: 'No message matches this delivery report',
    });
  });

  it('gives up on a report about an unknown message after a few tries', async () => {
    const { sut, reports } = newProcessor();
    const unknown = reports.add('msg-never-sent', 'delivered');

    for (let attempt = 0; attempt < 10 && !reports.byId(unknown).processed; attempt += 1) {
      await sut.process([unknown]);
    }

    expect(reports.byId(unknown)).toMatchObject({
      processed: true,
      attempts: 6,
      lastError: 'gave up: No message matches this delivery report',
    });
  });

  it('retries a failed batch event by event, so one bad report does not hold the others back', async () => {
    const { sut, messages, reports } = newProcessor();
    messages.statuses.set('msg-1', 'sent');
    messages.statuses.set('msg-bad', 'sent');
    messages.failOn = 'msg-bad';
    const good = reports.add('msg-1', 'delivered');
    const bad = reports.add('msg-bad', 'delivered');

    await sut.process([good, bad]);

    expect(messages.statuses.get('msg-1')).toBe('delivered');
    expect(reports.byId(good).processed).toBe(true);
    expect(reports.byId(bad)).toMatchObject({
      processed: false,
      attempts: 1,
      lastError: 'deadlock detected',
    });
  });
});
