import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageDto } from '../../common/pagination/page.js';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../conversation.entity.js';
import { MessageBodyDto } from './send-message.dto.js';

export class ConversationContactDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: '+14155550100' })
  phone!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ada' })
  firstName!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Lovelace' })
  lastName!: string | null;

  @ApiProperty({ example: false })
  optedOut!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'End of the WhatsApp 24-hour window',
    example: null,
  })
  whatsappWindowExpiresAt!: string | null;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({ type: ConversationContactDto })
  contact!: ConversationContactDto;

  @ApiProperty({ enum: CONVERSATION_STATUSES, example: 'open' })
  status!: ConversationStatus;

  @ApiProperty({ format: 'date-time' })
  lastMessageAt!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Is my order on its way?' })
  lastMessagePreview!: string | null;

  @ApiProperty({ example: 2 })
  unreadCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ConversationPageDto extends PageDto(ConversationDto) {}

export class ListConversationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: ConversationStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ description: "Part of the contact's name or number", example: 'ada' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class UpdateConversationDto {
  @ApiProperty({ enum: CONVERSATION_STATUSES, example: 'closed' })
  @IsIn(CONVERSATION_STATUSES)
  status!: ConversationStatus;
}

/** An agent's reply: `text`, `template` or `media`, as for POST /messages. */
export class ReplyDto extends MessageBodyDto {}
