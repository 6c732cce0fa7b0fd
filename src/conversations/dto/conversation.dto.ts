import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsOmittable } from '../../common/validation/field-presence.decorators.js';
import { PageDto } from '../../common/pagination/page.js';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../conversation.entity.js';
import { MessageBodyDto } from './send-message.dto.js';

const ASSIGNEE_FILTER =
  /^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

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

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The user who owns the conversation; null when unassigned',
    example: null,
  })
  assigneeId!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a snoozed conversation reopens by itself; null unless the status is `snoozed`',
    example: null,
  })
  snoozedUntil!: string | null;

  @ApiProperty({ format: 'date-time' })
  lastMessageAt!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Is my order on its way?' })
  lastMessagePreview!: string | null;

  @ApiProperty({ example: 2 })
  unreadCount!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Set when the contact wrote an opt-out request in words of its own ("please stop", "unsubscribe me") that is not a consent keyword: it is not acted on, an agent should opt the contact out or answer. Cleared when the contact\'s consent next changes.',
    example: null,
  })
  optOutRequestedAt!: string | null;

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

  @ApiPropertyOptional({
    description: "A user's id, `me` (the caller's) or `none` (unassigned)",
    pattern: ASSIGNEE_FILTER.source,
    example: 'me',
  })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_FILTER, { message: "assigneeId must be a user's id, me or none" })
  assigneeId?: string;
}

export class UpdateConversationDto {
  @ApiPropertyOptional({
    enum: CONVERSATION_STATUSES,
    description: '`snoozed` needs a future `snoozedUntil`; leaving `snoozed` clears it',
    example: 'closed',
  })
  @IsOmittable()
  @IsIn(CONVERSATION_STATUSES)
  status?: ConversationStatus;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'An active user, or null to unassign. Agents may take an unassigned conversation or unassign their own; ' +
      "reassigning someone else's, or assigning a colleague, is for admins (403)",
    example: '0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d',
  })
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When the snoozed conversation reopens by itself; only with the status `snoozed`, in the future',
    example: '2030-01-01T09:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  snoozedUntil?: string | null;
}

/** An agent's reply: `text`, `template` or `media`, as for POST /messages, or a canned response. */
export class ReplyDto extends MessageBodyDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "A canned response, sent with its placeholders filled for the conversation's contact (instead of text, template or media)",
    example: '5f0c6a1e-2b7d-4e0a-9c3f-8d1e2f3a4b5c',
  })
  @IsOmittable()
  @IsUUID()
  cannedResponseId?: string;
}
