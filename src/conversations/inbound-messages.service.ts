import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  ChannelContext,
  MessageContent,
  WebhookEvent,
} from '../channels/providers/channel-provider.interface.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';
// from '../contacts/contacts.service.js';
import { ConversationsService } from './conversations.service.js';

type InboundEvent = Extract<WebhookEvent, { type: 'inbound-message' }>;

export interface ReceivedMessage {
  /** False when this provider message was already stored (a redelivery). */
  isNew: boolean;
  messageId: string;
  contactId: string;
  conversationId: string;
}

const PHONE = /^\+\d{7,15}$/;

/** Stores an inbound message with its contact and conversation, created when new. */
@Injectable()
export class InboundMessagesService {
  constructor(
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async receive(channel: ChannelContext, event: InboundEvent): Promise<ReceivedMessage> {
    const contact = PHONE.test(event.from)
      ? await this.contacts.findOrCreateByPhone(event.from)
      : await this.contacts.findOrCreateByIdentity(event.conversationChannel ?? channel.provider, event.from);
    const conversationId = await this.conversations.findOrCreate(contact.id, channel.id);
    const content: MessageContent =
      event.media && event.media.length > 0 && !event.text
        ? { kind: 'media', media: event.media[0] }
        : { kind: 'text', text: event.text ?? '' };

    const inserted = await this.dataSource.query<Array<{ id: string }>>(
      `WITH inserted AS (
         INSERT INTO messages (direction, channel_id, contact_id, conversation_id, recipient, content, status, provider_message_id, created_at, status_updated_at)
         VALUES ('inbound', $1, $2, $3, $4, $5, 'received', $6, $7, $7)
         ON CONFLICT (channel_id, direction, provider_message_id) DO NOTHING
         RETURNING *
       ), event AS (${outboxInsert('message.received', 'inserted m', messageJson('m'))})
       SELECT id FROM inserted`,
      [
        channel.id,
        contact.id,
        conversationId,
        event.from,
        JSON.stringify(content),
        event.providerMessageId,
        event.receivedAt,
      ],
    );
    if (inserted.length === 0) {
      const [existing] = await this.dataSource.query<Array<{ id: string }>>(
        `SELECT id FROM messages WHERE channel_id = $1 AND direction = 'inbound' AND provider_message_id = $2`,
        [channel.id, event.providerMessageId],
      );
      return { isNew: false, messageId: existing.id, contactId: contact.id, conversationId };
    }
    await this.conversations.recordActivity(conversationId, content, event.receivedAt, true);
    const isWhatsApp =
      event.conversationChannel === 'WHATSAPP' ||
      (channel.provider === 'sinch-conversation' &&
        !event.conversationChannel &&
        (channel as ChannelContext<'sinch-conversation'>).config.channel === 'WHATSAPP');
    if (isWhatsApp) await this.contacts.refreshWhatsAppWindow(contact.id, event.receivedAt);
    return { isNew: true, messageId: inserted[0].id, contactId: contact.id, conversationId };
  }
}
