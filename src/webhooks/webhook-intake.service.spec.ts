import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

import type {
  ChannelContext,
  ChannelProvider,
  RawWebhookRequest,
} from '../channels/providers/channel-provider.interface.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { parseSandboxWebhook } from '../channels/providers/sandbox/sandbox-wire.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter.js';
import { ValidationError } from '../common/errors/domain-error.js';
import type { InboundOutcome, InboundPipeline } from '../conversations/inbound-pipeline.service.js';
import { MetricsService } from '../health/metrics.service.js';
import type { DeliveryReportQueue } from './delivery-report.queue.js';
import type { WebhookChannelCache } from './guards/webhook-channel.cache.js';
import { WebhookEventProcessor } from './webhook-event.processor.js';
import type {
  ClaimedInlineEvent,
  InlineEvent,
  InsertedEventRow,
  NewWebhookEvent,
  WebhookEventsRepository,
} from './webhook-events.repository.js';
import { WebhookInboxService } from './webhook-inbox.service.js';
import { WebhookIntakeService } from './webhook-intake.service.js';

const CHANNEL = {
  id: '0d9b1f5e-3c2a-4e8b-9f71-6a5d4c3b2a10',
  provider: 'sandbox',
  sender: '+12025550142',
  config: {},
  webhookUrls: {},
} as unknown as ChannelContext;

interface StoredRow {
  id: string;
  provider: string;
  channelId: string;
  dedupKey: string;
  type: NewWebhookEvent['event']['type'];
  /** As jsonb keeps it: dates come back as strings. */
  payload: string;
  attempts: number;
  processed: boolean;
  lastError: string | null;
}

/** The webhook_events table in memory, with the statements the intake and the inline processor use. */
class WebhookEventsTable implements Pick<
  WebhookEventsRepository,
  'insertNew' | 'claimInline' | 'markProcessed' | 'recordInlineFailure'
> {
  readonly rows: StoredRow[] = [];
  private down: Error | undefined;
  private held: Promise<void> | undefined;

  /** Every statement fails with `error`, as with the database unreachable. */
  goDown(error: Error): void {
    this.down = error;
  }

  /** Inserts wait (uncommitted) until the returned function is called. */
  holdCommits(): () => void {
    let release = () => {};
    this.held = new Promise((resolve) => (release = resolve));
    return release;
  }

  async insertNew(events: readonly NewWebhookEvent[]): Promise<InsertedEventRow[]> {
    await this.held;
    this.failIfDown();
    const inserted: InsertedEventRow[] = [];
    for (const { provider, channelId, event } of events) {
      if (this.rows.some((row) => row.provider === provider && row.dedupKey === event.dedupKey)) continue;
      const row: StoredRow = {
        id: `event-${this.rows.length + 1}`,
        provider,
        channelId,
        dedupKey: event.dedupKey,
        type: event.type,
        payload: JSON.stringify(event),
        attempts: 0,
        processed: false,
        lastError: null,
      };
      this.rows.push(row);
      inserted.push({ id: row.id, type: row.type, provider, dedup_key: row.dedupKey });
    }
    return inserted;
  }

  claimInline(id: string): Promise<ClaimedInlineEvent | undefined> {
    this.failIfDown();
    const row = this.rows.find((candidate) => candidate.id === id);
    if (!row || row.processed || row.type === 'delivery-status' || row.attempts > 0) {
      return Promise.resolve(undefined);
    }
    row.attempts += 1;
    const payload = JSON.parse(row.payload) as InlineEvent;
    return Promise.resolve({ id, channel_id: row.channelId, attempts: row.attempts, payload });
  }

  markProcessed(id: string): Promise<void> {
    this.failIfDown();
    const row = this.rows.find((candidate) => candidate.id === id);
    if (row) Object.assign(row, { processed: true, lastError: null });
    return Promise.resolve();
  }

  recordInlineFailure(id: string, error: string, givingUp: boolean): Promise<void> {
    this.failIfDown();
    const row = this.rows.find((candidate) => candidate.id === id);
    if (row) Object.assign(row, { processed: givingUp, lastError: error });
    return Promise.resolve();
  }

  private failIfDown(): void {
    if (this.down) throw this.down;
  }
}

/** The inbox as agents see it: every inbound message applied, in order. */
class Inbox {
  readonly messages: string[] = [];
  failure: Error | undefined;

  handle(
    _channel: ChannelContext,
    event: Extract<InlineEvent, { type: 'inbound-message' }>,
  ): Promise<InboundOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    this.messages.push(event.text ?? '');
    return Promise.resolve({
      isNew: true,
      messageId: event.providerMessageId,
      conversationId: 'conversation-1',
    });
  }
}

/** Delivery reports handed over to be applied after the answer. */
class ReportQueue {
  readonly queued: string[] = [];

  enqueue(ids: readonly string[]): void {
    this.queued.push(...ids);
  }
}

function newIntake() {
  const table = new WebhookEventsTable();
  const inbox = new Inbox();
  const reports = new ReportQueue();
  const sandbox = {
    kind: 'sandbox',
    parseWebhook: (_channel: ChannelContext, request: RawWebhookRequest) => parseSandboxWebhook(request),
  } as unknown as ChannelProvider;
  const channels = { get: () => Promise.resolve({ context: CHANNEL, webhookToken: 'token' }) };
  const metrics = new MetricsService();
  const processor = new WebhookEventProcessor(
    table as unknown as WebhookEventsRepository,
    channels as unknown as WebhookChannelCache,
    {} as ContactsService,
    inbox as unknown as InboundPipeline,
  );
  const sut = new WebhookIntakeService(
    new ProviderRegistry([sandbox]),
    new WebhookInboxService(table as unknown as WebhookEventsRepository),
    processor,
    reports as unknown as DeliveryReportQueue,
    metrics,
  );
  return { sut, table, inbox, reports, metrics };
}

function webhook(body: Record<string, unknown>) {
  const request: RawWebhookRequest = {
    route: 'callback',
    rawBody: Buffer.from(JSON.stringify(body)),
    headers: { 'content-type': 'application/json' },
    publicUrl: `http://localhost:3000/webhooks/sandbox/${CHANNEL.id}`,
    body,
  };
  return { provider: 'sandbox' as const, channel: CHANNEL, request };
}

const inboundMessage = (id: string, text: string) =>
  webhook({
    type: 'inbound_message',
    id,
    from: '+14155550100',
    to: '+12025550142',
    text,
    at: '2026-12-07T08:00:00.000Z',
  });

const deliveryReport = (messageId: string, status: string) =>
  webhook({ type: 'delivery_report', message_id: messageId, status, at: '2026-12-07T08:00:01.000Z' });

/** Runs callbacks queued with setImmediate (the inbox's group write starts on one). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the one HTTP error filter answers for an error. */
function httpAnswerTo(error: unknown): { status: number; message: string } {
  let answer = { status: 0, message: '' };
  const response = {
    headersSent: false,
    status(status: number) {
      return {
        json: (body: { message: string }) => (answer = { status, message: body.message }),
      };
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ id: 'request-1', headers: {} }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(error, host);
  return answer;
}

async function duplicatesCounted(metrics: MetricsService): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('switchboard_webhook_events_total')?.get();
  return metric?.values.find((value) => value.labels.outcome === 'duplicate')?.value ?? 0;
}

describe('WebhookIntakeService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('answers only once the events are committed to the inbox', async () => {
    const { sut, table } = newIntake();
    const commit = table.holdCommits();
    let answered = false;
    const answer = sut.accept(deliveryReport('msg-1', 'DELIVERED')).then((result) => {
      answered = true;
      return result;
    });

    await settle();
    await settle();
    expect(answered).toBe(false);

    commit();
    expect(await answer).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect(table.rows).toHaveLength(1);
  });

  it('applies an inbound message before answering, and closes its event', async () => {
    const { sut, table, inbox } = newIntake();

    await sut.accept(inboundMessage('mo-1', 'Hello'));

    expect(inbox.messages).toEqual(['Hello']);
    expect(table.rows[0]).toMatchObject({ type: 'inbound-message', processed: true, lastError: null });
  });

  it('acknowledges a redelivered event without storing or applying it again', async () => {
    const { sut, table, inbox, metrics } = newIntake();

    await sut.accept(inboundMessage('mo-1', 'Hello'));
    const second = await sut.accept(inboundMessage('mo-1', 'Hello'));

    expect(second).toEqual({ received: 1, stored: 0, duplicates: 1 });
    expect(table.rows).toHaveLength(1);
    expect(inbox.messages).toEqual(['Hello']);
    expect(await duplicatesCounted(metrics)).toBe(1);
  });

  it('hands a delivery report over to be applied after the answer, once', async () => {
    const { sut, table, reports } = newIntake();

    await sut.accept(deliveryReport('msg-1', 'DELIVERED'));
    await sut.accept(deliveryReport('msg-1', 'DELIVERED'));

    expect(reports.queued).toEqual([table.rows[0].id]);
    expect(table.rows[0]).toMatchObject({ type: 'delivery-status', processed: false });
  });

  it('refuses a malformed body with a 400 that says why, storing nothing', async () => {
    const { sut, table } = newIntake();

    const refusal = sut
      .accept(webhook({ type: 'inbound_message', id: 'mo-1' }))
      .catch((error: unknown) => error);

    const error = await refusal;
    expect(error).toBeInstanceOf(ValidationError);
    expect(httpAnswerTo(error)).toEqual({
      status: 400,
      message: expect.stringMatching(/^Malformed body: Not a sandbox callback/) as string,
    });
    expect(table.rows).toHaveLength(0);
  });

  it('answers 503 when the inbox cannot be written, so the provider delivers again later', async () => {
    const { sut, inbox, reports, table } = newIntake();
    table.goDown(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

    const error = await sut.accept(inboundMessage('mo-1', 'STOP')).catch((failure: unknown) => failure);

    expect(httpAnswerTo(error)).toEqual({ status: 503, message: 'Database unavailable, retry later' });
    expect(inbox.messages).toEqual([]);
    expect(reports.queued).toEqual([]);
  });

  it('keeps an inbound message that could not be applied in the inbox for the retry job, still acknowledged', async () => {
    const { sut, table, inbox } = newIntake();
    inbox.failure = new Error('contacts table locked');

    const result = await sut.accept(inboundMessage('mo-1', 'Hello'));

    expect(result).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect(table.rows[0]).toMatchObject({ processed: false, lastError: 'contacts table locked' });
  });

  it('stores the other requests of a group when one request holds unstorable data', async () => {
    const { sut, table } = newIntake();
    const insert = table.insertNew.bind(table);
    table.insertNew = (events) =>
      events.some((row) => row.event.dedupKey.includes('bad'))
        ? Promise.reject(
            new QueryFailedError('INSERT', [], Object.assign(new Error('invalid input'), { code: '22P02' })),
          )
        : insert(events);

    const [good, bad] = await Promise.allSettled([
      sut.accept(deliveryReport('msg-good', 'DELIVERED')),
      sut.accept(deliveryReport('msg-bad', 'DELIVERED')),
    ]);

    expect(good).toEqual({ status: 'fulfilled', value: { received: 1, stored: 1, duplicates: 0 } });
    expect(bad.status).toBe('rejected');
    expect(table.rows.map((row) => row.dedupKey)).toEqual(['sandbox:dr:msg-good:DELIVERED']);
  });
});
