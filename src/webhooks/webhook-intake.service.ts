import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { WebhookPayloadError } from '../channels/providers/provider-errors.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { ValidationError } from '../common/errors/domain-error.js';
import { MetricsService } from '../health/metrics.service.js';
import { loggableError } from '../common/errors/all-exceptions.filter.js';
import { WebhookEventProcessor, type ProcessedEvent } from './webhook-event.processor.js';
import { type StorableEvent, WebhookInboxService } from './webhook-inbox.service.js';
import type { AuthenticatedWebhook } from './webhook-request.js';

export interface IntakeResult {
  received: number;
  stored: number;
  duplicates: number;
}

/**
 * Verify (done by the guard) → parse → store durably → answer; processing follows right after,
 * outside the request, and is retried from the inbox if it fails.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);
  private readonly events: Counter<'provider' | 'type' | 'outcome'>;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly inbox: WebhookInboxService,
    private readonly processor: WebhookEventProcessor,
    metrics: MetricsService,
  ) {
    this.events = new Counter({
      name: 'switchboard_webhook_events_total',
      help: 'Provider webhook events by provider, type and outcome (received, duplicate, ignored)',
      labelNames: ['provider', 'type', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  /**
   * Inbound messages and consent changes are applied before the answer, so a STOP has taken effect
   * everywhere by the time its webhook returns; delivery reports are applied right after it.
   */
  async accept(webhook: AuthenticatedWebhook): Promise<IntakeResult> {
    const { stored, storedTypes, result } = await this.store(webhook);
    const inline = stored.filter((_, i) => storedTypes[i] !== 'delivery-status');
    const later = stored.filter((_, i) => storedTypes[i] === 'delivery-status');
    if (inline.length > 0) await this.processor.process(inline);
    if (later.length > 0) {
      setImmediate(() => {
        this.processor.process(later).catch((error: unknown) => this.logger.warn({ err: loggableError(error) }, 'Webhook processing failed; will retry'));
      });
    }
    return result;
  }

  /** For routes that must answer with the outcome (Plivo inbound replies inline). */
  async acceptAndProcess(webhook: AuthenticatedWebhook): Promise<ProcessedEvent[]> {
    const { stored } = await this.store(webhook);
    return stored.length > 0 ? this.processor.process(stored) : [];
  }

  private async store(webhook: AuthenticatedWebhook): Promise<{ stored: string[]; storedTypes: string[]; result: IntakeResult }> {
    const events = this.parse(webhook);
    const storable = events.filter((event): event is StorableEvent => event.type !== 'ignored');
    const storedRows = await this.inbox.store(webhook.provider, webhook.channel.id, storable);
    const stored = storedRows.map((row) => row.id);
    for (const event of events) {
      const outcome = event.type === 'ignored' ? 'ignored' : 'received';
      this.events.inc({ provider: webhook.provider, type: event.type, outcome });
    }
    const duplicates = storable.length - stored.length;
    if (duplicates > 0) this.events.inc({ provider: webhook.provider, type: 'any', outcome: 'duplicate' }, duplicates);
    return { stored, storedTypes: storedRows.map((row) => row.type), result: { received: events.length, stored: stored.length, duplicates } };
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
