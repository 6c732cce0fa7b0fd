import type { ChannelContext, MessageContent } from '../channels/providers/channel-provider.interface.js';
import { ValidationError } from '../common/errors/domain-error.js';
import type { ReplyDto } from './dto/conversation.dto.js';
import type { MessageBodyDto } from './dto/send-message.dto.js';
import { UnsupportedContentError } from '../channels/channel-errors.js';

/** What an agent replies with: a message, or a canned response filled in for the contact. */
export type ReplyContent = MessageContent | { kind: 'canned'; cannedResponseId: string };

/** Exactly one of text, template and media. */
export function contentFrom(body: MessageBodyDto): MessageContent {
  const given = [body.text !== undefined, body.template !== undefined, body.media !== undefined].filter(
    Boolean,
  ).length;
  if (given !== 1) {
    throw new ValidationError('Give exactly one of text, template and media', [
      { field: 'text', messages: ['exactly one of text, template and media is required'] },
    ]);
  }
  if (body.text !== undefined) return { kind: 'text', text: body.text };
  if (body.template !== undefined) return { kind: 'template', template: { ...body.template } };
  return { kind: 'media', media: { ...body.media! } };
}

/** Exactly one of text, template, media and cannedResponseId. */
export function replyContentFrom(body: ReplyDto): ReplyContent {
  if (body.cannedResponseId === undefined) return contentFrom(body);
  if (body.text !== undefined || body.template !== undefined || body.media !== undefined) {
    throw new ValidationError('Give exactly one of text, template, media and cannedResponseId', [
      { field: 'cannedResponseId', messages: ['cannot be combined with text, template or media'] },
    ]);
  }
  return { kind: 'canned', cannedResponseId: body.cannedResponseId };
}

/** What each provider can carry; asking for more is a 422 rather than a message that fails later. */
export function assertChannelCanCarry(channel: ChannelContext, content: MessageContent): void {
  const supported: Record<ChannelContext['provider'], MessageContent['kind'][]> = {
    'sinch-sms': ['text'],
    'sinch-conversation': ['text', 'template', 'media'],
    plivo: ['text', 'media', 'template'],
    sandbox: ['text', 'template', 'media'],
  };
  if (!supported[channel.provider].includes(content.kind)) {
    throw new UnsupportedContentError(`A ${channel.provider} channel cannot send ${content.kind} messages`);
  }
}

export function isWhatsAppChannel(channel: ChannelContext): boolean {
  return (
    channel.provider === 'sinch-conversation' &&
    (channel as ChannelContext<'sinch-conversation'>).config.channel === 'WHATSAPP'
  );
}
