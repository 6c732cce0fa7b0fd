import { Injectable, Logger } from '@nestjs/common';
import { ContactsService } from '../contacts/contacts.service.js';
import { InboundPipeline, type InboundOutcome } from '../conversations/inbound-pipeline.service.js';
import { WebhookChannelCache } from './guards/webhook-channel.cache.js';
import {
  type ClaimedInlineEvent,
  type InlineEvent,
  WebhookEventsRepository,
} from './webhook-events.repository.js';

const MAX_ATTEMPTS = 20;

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
    private readonly inbox: WebhookEventsRepository,
    // The request's guard has just loaded this channel: the inbound reply reuses its decrypted copy.
    private readonly channels: WebhookChannelCache,
    private readonly contacts: ContactsService,
    private readonly inbound: InboundPipeline,
  ) {}

  /** Processes the events in order; returns the ones that were applied. Failures stay in the inbox. */
  async process(ids: string[]): Promise<ProcessedEvent[]> {
    const processed: ProcessedEvent[] = [];
    for (const id of ids) {
      const claimed = await this.inbox.claimInline(id);
      if (!claimed) continue;
      try {
        const event = reviveDates(claimed.payload);
        const inbound = await this.apply(claimed.channel_id, event);
        await this.inbox.markProcessed(id);
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

  private async recordFailure(event: ClaimedInlineEvent, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const givingUp = event.attempts >= MAX_ATTEMPTS;
    this.logger.warn(
      { eventId: event.id, attempt: event.attempts, givingUp },
      `Webhook event failed: ${message}`,
    );
    await this.inbox.recordInlineFailure(event.id, message, givingUp);
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
