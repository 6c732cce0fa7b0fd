import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { WebhookPayloadError } from '../channels/providers/provider-errors.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { ValidationError } from '../common/errors/domain-error.js';
import { MetricsService } from '../health/metrics.service.js';
import { DeliveryReportQueue } from './delivery-report.queue.js';
import { WebhookEventProcessor, type ProcessedEvent } from './webhook-event.processor.js';
import type { StorableEvent } from './webhook-events.repository.js';
import { WebhookInboxService } from './webhook-inbox.service.js';
import type { AuthenticatedWebhook } from './webhook-request.js';

export interface IntakeResult {
  received: number;
  stored: number;
  duplicates: number;
}

interface StoredEvents {
  inline: string[];
  deliveryReports: string[];
  result: IntakeResult;
}

/**
 * Verify (done by the guard) → parse → store durably → answer. Inbound messages and consent changes
 * are applied before the answer; delivery reports are queued and applied in batches right after it,
 * and anything not applied is retried from the inbox.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly events: Counter<'provider' | 'type' | 'outcome'>;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly inbox: WebhookInboxService,
    private readonly processor: WebhookEventProcessor,
    private readonly deliveryReports: DeliveryReportQueue,
    metrics: MetricsService,
  ) {
    this.events = metrics.counter(
      'switchboard_webhook_events_total',
      'Provider webhook events by provider, type and outcome (received, duplicate, ignored)',
      ['provider', 'type', 'outcome'] as const,
    );
  }

  /** Inbound messages and consent changes are applied before the answer, so a STOP has taken effect everywhere by the time its webhook returns. */
  async accept(webhook: AuthenticatedWebhook): Promise<IntakeResult> {
    return (await this.acceptWithOutcome(webhook)).result;
  }

  /** For routes that must answer with the outcome (Plivo inbound replies inline). */
  async acceptAndProcess(webhook: AuthenticatedWebhook): Promise<ProcessedEvent[]> {
    return (await this.acceptWithOutcome(webhook)).processed;
  }

  private async acceptWithOutcome(
    webhook: AuthenticatedWebhook,
  ): Promise<{ result: IntakeResult; processed: ProcessedEvent[] }> {
    const { inline, deliveryReports, result } = await this.store(webhook);
    this.deliveryReports.enqueue(deliveryReports);
    const processed = inline.length > 0 ? await this.processor.process(inline) : [];
    return { result, processed };
  }

  private async store(webhook: AuthenticatedWebhook): Promise<StoredEvents> {
    const events = this.parse(webhook);
    const storable = events.filter((event): event is StorableEvent => event.type !== 'ignored');
    const storedRows = await this.inbox.store(webhook.provider, webhook.channel.id, storable);
    for (const event of events) {
      const outcome = event.type === 'ignored' ? 'ignored' : 'received';
      this.events.inc({ provider: webhook.provider, type: event.type, outcome });
    }
    const duplicates = storable.length - storedRows.length;
    if (duplicates > 0)
      this.events.inc({ provider: webhook.provider, type: 'any', outcome: 'duplicate' }, duplicates);
    return {
      inline: storedRows.filter((row) => row.type !== 'delivery-status').map((row) => row.id),
      deliveryReports: storedRows.filter((row) => row.type === 'delivery-status').map((row) => row.id),
      result: { received: events.length, stored: storedRows.length, duplicates },
    };
  }

  private parse(webhook: AuthenticatedWebhook) {
    try {
      return this.providers.get(webhook.channel.provider).parseWebhook(webhook.channel, webhook.request);
    } catch (error) {
      if (error instanceof WebhookPayloadError) throw new ValidationError(`Malformed body: ${error.message}`);
      throw error;
    }
  }
}
