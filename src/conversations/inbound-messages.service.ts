import { Injectable } from '@nestjs/common';
import type {
  ChannelContext,
  MessageContent,
  WebhookEvent,
} from '../channels/providers/channel-provider.interface.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationsService } from './conversations.service.js';
import { MessageDto } from './dto/message.dto.js';
import { InboxEvents } from './inbox-events.js';
import { MessagesRepository } from './messages.repository.js';

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
    private readonly messages: MessagesRepository,
    private readonly events: InboxEvents,
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

    const isWhatsApp =
      event.conversationChannel === 'WHATSAPP' ||
      (channel.provider === 'sinch-conversation' &&
        !event.conversationChannel &&
        (channel as ChannelContext<'sinch-conversation'>).config.channel === 'WHATSAPP');

    // The message, what it does to its conversation and contact, and the inbox events that announce
    // them, all or nothing: a crash in between would otherwise leave a stored message whose
    // redelivery (seen as a duplicate) never updates the inbox.
    const messageId = await this.events.inTransaction(async (tx) => {
      const id = await this.messages.insertInbound(tx, {
        channelId: channel.id,
        contactId: contact.id,
        conversationId,
        from: event.from,
        content,
        providerMessageId: event.providerMessageId,
        receivedAt: event.receivedAt,
      });
      if (id === undefined) return undefined;
      await this.conversations.recordActivity(tx, conversationId, content, event.receivedAt, true);
      if (isWhatsApp) await this.contacts.refreshWhatsAppWindow(contact.id, event.receivedAt, tx);
      const stored = await this.messages.findById(id, tx);
      if (stored) await this.events.publish(tx, 'message.created', MessageDto.from(stored));
      return id;
    });
    if (messageId === undefined) {
      const existing = await this.messages.findInboundId(channel.id, event.providerMessageId);
      if (existing === undefined) throw new Error('An inbound message vanished right after it was stored');
      return { isNew: false, messageId: existing, contactId: contact.id, conversationId };
    }
    return { isNew: true, messageId, contactId: contact.id, conversationId };
  }
}
