import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { CannedResponsesService } from '../canned-responses/canned-responses.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import type {
  ChannelContext,
  MessageContent,
  MessageStatus,
} from '../channels/providers/channel-provider.interface.js';
import { NotFoundError } from '../common/errors/domain-error.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { toE164OrThrow } from '../common/phone/phone-number.js';
import type { Contact } from '../contacts/contact.entity.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationsService } from './conversations.service.js';
import { MessageDto } from './dto/message.dto.js';
import { InboxEvents } from './inbox-events.js';
import type { Message } from './message.entity.js';
import { MessagesRepository, type NewOutboundMessage } from './messages.repository.js';
import { assertChannelCanCarry, isWhatsAppChannel, type ReplyContent } from './message-content.js';
import { OutboundSender, SEND_LEASE_SECONDS } from './outbound-sender.service.js';
import {
  ContactOptedOutError,
  EmptyCannedResponseError,
  NoPhoneNumberError,
  WhatsAppWindowClosedError,
} from './conversation-errors.js';

export interface OutgoingMessage {
  channelId: string;
  to: string;
  defaultCountry?: string;
  content: MessageContent;
  sentByUserId?: string;
}

export interface SendOutcome {
  id: string;
  status: MessageStatus;
  conversationId: string;
  clientReference: string;
}

interface Dispatch {
  channel: ChannelContext;
  contactId: string;
  to: string;
  conversationId: string;
  content: MessageContent;
  sentByUserId?: string;
}

@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly channels: ChannelsService,
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    private readonly sender: OutboundSender,
    private readonly events: InboxEvents,
    private readonly cannedResponses: CannedResponsesService,
  ) {}

  /** POST /messages: the contact and conversation are created when new. */
  async send(input: OutgoingMessage): Promise<SendOutcome> {
    const channel = await this.channels.activeContext(input.channelId);
    assertChannelCanCarry(channel, input.content);
    const to = toE164OrThrow(input.to, 'to', input.defaultCountry);
    const contact = await this.contacts.findOrCreateByPhone(to);
    assertMaySend(channel, contact, input.content);
    const conversationId = await this.conversations.findOrCreate(contact.id, channel.id);
    return this.dispatch({
      channel,
      contactId: contact.id,
      to,
      conversationId,
      content: input.content,
      sentByUserId: input.sentByUserId,
    });
  }

  /**
   * An agent's reply in a conversation: the same rules as POST /messages. A canned response is sent
   * as text, its placeholders filled for the conversation's contact.
   */
  async reply(conversationId: string, reply: ReplyContent, sentByUserId: string): Promise<SendOutcome> {
    const conversation = await this.conversations.getRow(conversationId);
    const contact = await this.contacts.get(conversation.contactId);
    const content: MessageContent =
      reply.kind === 'canned'
        ? { kind: 'text', text: await this.cannedResponses.renderFor(reply.cannedResponseId, contact) }
        : reply;
    const channel = await this.channels.activeContext(conversation.channelId);
    assertChannelCanCarry(channel, content);
    if (!contact.phone) throw new NoPhoneNumberError();
    if (content.kind === 'text' && content.text.trim() === '') throw new EmptyCannedResponseError();
    assertMaySend(channel, contact, content);
    return this.dispatch({
      channel,
      contactId: contact.id,
      to: contact.phone,
      conversationId,
      content,
      sentByUserId,
    });
  }

  /**
   * An automatic reply to an inbound message. Consent is not checked: the confirmation of an
   * opt-out is the one message an opted-out contact still receives.
   */
  async sendAutoReply(
    channel: ChannelContext,
    contact: Contact,
    conversationId: string,
    text: string,
  ): Promise<void> {
    if (!contact.phone) return;
    const input: Dispatch = {
      channel,
      contactId: contact.id,
      to: contact.phone,
      conversationId,
      content: { kind: 'text', text },
    };
    const pending = await this.store(input);
    // The provider call happens after the webhook has been answered; the row is stored already.
    setImmediate(() => {
      this.deliver(input, pending).catch((error: unknown) =>
        this.logger.warn({ err: error, messageId: pending.id }, 'Auto-reply could not be sent'),
      );
    });
  }

  /** A reply the provider delivers itself from our webhook answer (Plivo XML): recorded as sent. */
  async recordInlineReply(
    channel: ChannelContext,
    contact: Contact,
    conversationId: string,
    text: string,
  ): Promise<void> {
    await this.storeOutbound({
      id: randomUUID(),
      channelId: channel.id,
      contactId: contact.id,
      conversationId,
      recipient: contact.phone,
      content: { kind: 'text', text },
      status: 'sent',
      statusReason: 'Replied inline in the webhook answer',
    });
  }

  async get(id: string): Promise<Message> {
    const message = await this.messages.findById(id);
    if (!message) throw new NotFoundError('Message', id);
    return message;
  }

  /** A page of a conversation going back in time; the items of a page are oldest first. */
  async thread(conversationId: string, limit: number, cursor?: string): Promise<Page<Message>> {
    await this.conversations.getRow(conversationId);
    const page = toPage(
      await this.messages.threadPage(conversationId, limit, cursor),
      limit,
      (m) => ({ at: m.createdAt, id: m.id }),
      (m) => m,
    );
    return { items: page.items.reverse(), nextCursor: page.nextCursor };
  }

  private async dispatch(input: Dispatch): Promise<SendOutcome> {
    const pending = await this.store(input);
    return this.deliver(input, pending);
  }

  /** Stores the message, leased to this instance for the provider call that follows. */
  private async store(input: Dispatch): Promise<{ id: string; clientReference: string }> {
    const id = randomUUID();
    const clientReference = `sb_${id.replaceAll('-', '')}`;
    await this.storeOutbound({
      id,
      channelId: input.channel.id,
      contactId: input.contactId,
      conversationId: input.conversationId,
      sentByUserId: input.sentByUserId ?? null,
      recipient: input.to,
      content: input.content,
      status: 'queued',
      clientReference,
      attempts: 1,
      sendingUntil: new Date(Date.now() + SEND_LEASE_SECONDS * 1000),
    });
    return { id, clientReference };
  }

  /** The message, its conversation's activity and their inbox events, in one transaction. */
  private async storeOutbound(message: NewOutboundMessage): Promise<void> {
    await this.events.inTransaction(async (tx) => {
      await this.messages.insertOutbound(tx, message);
      await this.conversations.recordActivity(tx, message.conversationId, message.content, new Date(), false);
      const stored = await this.messages.findById(message.id, tx);
      if (stored) await this.events.publish(tx, 'message.created', MessageDto.from(stored));
    });
  }

  private async deliver(
    input: Dispatch,
    { id, clientReference }: { id: string; clientReference: string },
  ): Promise<SendOutcome> {
    // The sender records the outcome, announces it as message.status and answers the message.
    const stored =
      (await this.sender.send(input.channel, {
        id,
        recipient: input.to,
        content: input.content,
        clientReference,
        attempts: 1,
      })) ?? (await this.get(id));
    return { id, status: stored.status, conversationId: input.conversationId, clientReference };
  }
}

function assertMaySend(channel: ChannelContext, contact: Contact, content: MessageContent): void {
  if (contact.optedOut) throw new ContactOptedOutError();
  if (isWhatsAppChannel(channel) && content.kind !== 'template' && !contact.inWhatsAppWindow) {
    throw new WhatsAppWindowClosedError();
  }
}
