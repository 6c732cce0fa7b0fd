import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { InboundPipeline, type InboundOutcome } from '../conversations/inbound-pipeline.service.js';
import { WebhookChannelCache } from './guards/webhook-channel.cache.js';
import type { InlineEvent } from './webhook-inbox.service.js';
import { MAX_BACKOFF_SECONDS, retryPolicySql } from './webhook-retry-policy.js';

const MAX_ATTEMPTS = 20;

interface ClaimedEvent {
  id: string;
  channel_id: string;
  attempts: number;
  payload: InlineEvent;
}

export interface ProcessedEvent {
  id: string;
  event: InlineEvent;
  inbound?: InboundOutcome;
}

/**
 * Applies stored inbound messages and consent changes one event at a time (delivery reports go
 * through the set-based DeliveryReportProcessor). Each attempt first pushes the event's
 * next_attempt_at into the future (a lease), so concurrent instances do not work on the same event;
 * handlers are idempotent anyway (inbound messages are unique per provider id).
 */
@Injectable()
export class WebhookEventProcessor {
  private readonly logger = new Logger(WebhookEventProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    // The request's guard has just loaded this channel: the inbound reply reuses its decrypted copy.
    private readonly channels: WebhookChannelCache,
    private readonly contacts: ContactsService,
    private readonly inbound: InboundPipeline,
  ) {}

  /** Processes the events in order; returns the ones that were applied. Failures stay in the inbox. */
  async process(ids: string[]): Promise<ProcessedEvent[]> {
    const processed: ProcessedEvent[] = [];
    for (const id of ids) {
      const claimed = await this.claim(id);
      if (!claimed) continue;
      try {
        const event = reviveDates(claimed.payload);
        const inbound = await this.apply(claimed.channel_id, event);
        await this.dataSource.query(
          `UPDATE webhook_events SET processed_at = now(), last_error = NULL WHERE id = $1`,
          [id],
        );
        processed.push({ id, event, inbound });
      } catch (error) {
        await this.recordFailure(claimed, error);
      }
    }
    return processed;
  }

  private async apply(channelId: string, event: InlineEvent): Promise<InboundOutcome | undefined> {
    switch (event.type) {
      case 'inbound-message': {
        const found = await this.channels.get(channelId);
        if (!found) throw new Error(`Channel ${channelId} no longer exists`);
        return this.inbound.handle(found.context, event);
      }
      case 'consent': {
        const contact = /^\+\d{7,15}$/.test(event.from)
          ? await this.contacts.findOrCreateByPhone(event.from)
          : await this.contacts.findOrCreateByIdentity(event.conversationChannel ?? 'unknown', event.from);
        await this.contacts.setOptedOut(contact.id, event.action === 'opt-out', {
          source: 'provider',
          channelId,
        });
        return undefined;
      }
    }
  }

  private async claim(id: string): Promise<ClaimedEvent | undefined> {
    const rows = await queryRows<ClaimedEvent>(
      this.dataSource,
      `UPDATE webhook_events
          SET attempts = attempts + 1,
              next_attempt_at = ${retryPolicySql('attempts', '$2')}
        WHERE id = $1 AND processed_at IS NULL AND type <> 'delivery-status' AND (attempts = 0 OR next_attempt_at <= now())
        RETURNING id, channel_id, attempts, payload`,
      [id, MAX_BACKOFF_SECONDS],
    );
    return rows[0];
  }

  private async recordFailure(event: ClaimedEvent, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const givingUp = event.attempts >= MAX_ATTEMPTS;
    this.logger.warn(
      { eventId: event.id, attempt: event.attempts, givingUp },
      `Webhook event failed: ${message}`,
    );
    await this.dataSource.query(
      `UPDATE webhook_events SET last_error = $2, processed_at = CASE WHEN $3 THEN now() ELSE NULL END WHERE id = $1`,
      [event.id, givingUp ? `gave up: ${message}` : message, givingUp],
    );
  }
}

/** JSON has no dates: the stored event's timestamps come back as strings. */
function reviveDates(event: InlineEvent): InlineEvent {
  const revived: Record<string, unknown> = { ...event };
  for (const key of ['receivedAt', 'occurredAt'] as const) {
    if (typeof revived[key] === 'string') revived[key] = new Date(revived[key]);
  }
  return revived as unknown as InlineEvent;
}
