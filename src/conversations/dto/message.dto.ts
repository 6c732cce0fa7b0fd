import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination/page.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../../channels/providers/channel-provider.interface.js';
import type { Message } from '../message.entity.js';
import { MediaDto, TemplateDto } from './send-message.dto.js';

export class MessageContentDto {
  @ApiProperty({ enum: ['text', 'template', 'media'], example: 'text' })
  kind!: 'text' | 'template' | 'media';

  @ApiPropertyOptional({ example: 'Hello from Switchboard' })
  text?: string;

  @ApiPropertyOptional({ type: TemplateDto })
  template?: TemplateDto;

  @ApiPropertyOptional({ type: MediaDto })
  media?: MediaDto;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid', example: '5c1d1e8e-2f57-4f1c-9a43-3b8f0d6a9e21' })
  id!: string;

  @ApiProperty({ enum: ['inbound', 'outbound'], example: 'outbound' })
  direction!: 'inbound' | 'outbound';

  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({ format: 'uuid' })
  contactId!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  campaignId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Recipient (outbound) or sender (inbound)',
    example: '+14155550100',
  })
  address!: string | null;

  @ApiProperty({ type: MessageContentDto })
  content!: MessageContentDto;

  @ApiProperty({ enum: MESSAGE_STATUSES, example: 'delivered' })
  status!: MessageStatus;

  @ApiProperty({ type: String, nullable: true, example: null })
  statusReason!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  errorCode!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '01JHFFHQ0P99JPPNQPJDV7JTBP' })
  providerMessageId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The reference the provider was sent (for a campaign batch, the batch's), fixed before the first attempt",
    example: 'sb_5c1d1e8e2f574f1c9a433b8f0d6a9e21',
  })
  clientReference!: string | null;

  @ApiProperty({ description: 'Times it was handed to the provider', example: 1 })
  attempts!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  statusUpdatedAt!: string;

  static from(message: Message): MessageDto {
    return {
      id: message.id,
      direction: message.direction,
      channelId: message.channelId,
      contactId: message.contactId,
      conversationId: message.conversationId,
      campaignId: message.campaignId,
      address: message.recipient,
      content: message.content,
      status: message.status,
      statusReason: message.statusReason,
      errorCode: message.errorCode,
      providerMessageId: message.providerMessageId ?? message.providerBatchId,
      clientReference: message.clientReference ?? message.batchReference,
      attempts: message.attempts,
      createdAt: message.createdAt.toISOString(),
      statusUpdatedAt: message.statusUpdatedAt.toISOString(),
    };
  }
}

export class SendMessageResultDto {
  @ApiProperty({ format: 'uuid', example: '5c1d1e8e-2f57-4f1c-9a43-3b8f0d6a9e21' })
  id!: string;

  @ApiProperty({
    enum: MESSAGE_STATUSES,
    example: 'sent',
    description: '`queued` until the provider has accepted it (retries included), then `sent`',
  })
  status!: MessageStatus;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ example: 'sb_5c1d1e8e2f574f1c9a433b8f0d6a9e21' })
  clientReference!: string;
}

export class MessagePageDto extends PageDto(MessageDto) {}
