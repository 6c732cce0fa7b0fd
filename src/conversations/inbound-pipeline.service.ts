import { Injectable } from '@nestjs/common';
import { AutoRepliesService } from '../auto-replies/auto-replies.service.js';
import type { ChannelContext, WebhookEvent } from '../channels/providers/channel-provider.interface.js';
import { isOptOutPhrase } from '../auto-replies/keyword-matcher.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationsService } from './conversations.service.js';
import { InboundMessagesService } from './inbound-messages.service.js';
import { MessagesService } from './messages.service.js';

type InboundEvent = Extract<WebhookEvent, { type: 'inbound-message' }>;

export interface InboundOutcome {
  isNew: boolean;
  messageId: string;
  conversationId: string;
  /** Set when an auto-reply is to be answered inline (Plivo XML) rather than sent through the provider. */
  inlineReply?: { src: string; dst: string; text: string };
}

/**
 * What happens to an inbound message: store it (contact and conversation created when new), apply
 * consent keywords and auto-replies, and reply through the same channel. A redelivered message
 * does nothing the second time.
 */
@Injectable()
export class InboundPipeline {
  constructor(
    private readonly inbound: InboundMessagesService,
    private readonly contacts: ContactsService,
    private readonly autoReplies: AutoRepliesService,
    private readonly messages: MessagesService,
    private readonly conversations: ConversationsService,
  ) {}

  async handle(channel: ChannelContext, event: InboundEvent): Promise<InboundOutcome> {
    const received = await this.inbound.receive(channel, event);
    const outcome: InboundOutcome = {
      isNew: received.isNew,
      messageId: received.messageId,
      conversationId: received.conversationId,
    };
    if (!received.isNew) return outcome;

    let contact = await this.contacts.get(received.contactId);
    const decision = await this.autoReplies.decide(
      channel.id,
      event.text ?? '',
      contact.optedOut,
      event.intent,
    );
    if (!decision) {
      if (!contact.optedOut && isOptOutPhrase(event.text ?? '')) {
        await this.conversations.flagOptOutRequest(received.conversationId);
      }
      return outcome;
    }
    if (decision.action !== 'none') {
      await this.contacts.setOptedOut(
        contact.id,
        decision.action === 'opt_out',
        decision.matchedBy === 'keyword'
          ? {
              source: 'keyword',
              channelId: channel.id,
              keyword: decision.keyword,
              messageId: received.messageId,
            }
          : { source: 'provider', channelId: channel.id, messageId: received.messageId },
      );
      contact = await this.contacts.get(contact.id);
    }
    if (channel.provider === 'plivo') {
      await this.messages.recordInlineReply(channel, contact, received.conversationId, decision.reply);
      // Plivo's XML names numbers as digits without the leading +, like its own callbacks.
      const digits = (value: string) => value.replace(/^\+/, '');
      return {
        ...outcome,
        inlineReply: { src: digits(channel.sender), dst: digits(event.from), text: decision.reply },
      };
    }
    await this.messages.sendAutoReply(channel, contact, received.conversationId, decision.reply);
    return outcome;
  }
}
