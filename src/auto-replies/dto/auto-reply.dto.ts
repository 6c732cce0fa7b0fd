import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';

import { PageDto } from '../../common/pagination/page.js';
import {
  type AutoReply,
  type BuiltinKind,
  MATCH_MODES,
  type MatchMode,
  REPLY_ACTIONS,
  type ReplyAction,
} from '../auto-reply.entity.js';

const trimmedStrings = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? (value as unknown[]).map((item) => (typeof item === 'string' ? item.trim() : item))
    : value;

export class CreateAutoReplyDto {
  @ApiProperty({ type: [String], example: ['HOURS', 'OPENING HOURS'] })
  @Transform(trimmedStrings)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  keywords!: string[];

  @ApiProperty({ enum: MATCH_MODES, example: 'exact' })
  @IsIn(MATCH_MODES)
  match!: MatchMode;

  @ApiProperty({ example: "We're open 9-5, Monday to Friday." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reply!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only for this channel; omitted: every channel' })
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ enum: REPLY_ACTIONS, default: 'none', example: 'none' })
  @IsOptional()
  @IsIn(REPLY_ACTIONS)
  action?: ReplyAction;

  @ApiPropertyOptional({ default: true, example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateAutoReplyDto extends PartialType(CreateAutoReplyDto) {}

export class AutoReplyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['opt_out', 'opt_in', 'help'],
    description: 'Built-in rules: only `reply` can change',
    example: null,
  })
  builtin!: BuiltinKind | null;

  @ApiProperty({ type: [String], example: ['HOURS'] })
  keywords!: string[];

  @ApiProperty({ enum: MATCH_MODES, example: 'exact' })
  match!: MatchMode;

  @ApiProperty({ example: "We're open 9-5" })
  reply!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  channelId!: string | null;

  @ApiProperty({ enum: REPLY_ACTIONS, example: 'none' })
  action!: ReplyAction;

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(rule: AutoReply): AutoReplyDto {
    return {
      id: rule.id,
      builtin: rule.builtin,
      keywords: rule.keywords,
      match: rule.match,
      reply: rule.reply,
      channelId: rule.channelId,
      action: rule.action,
      enabled: rule.enabled,
      createdAt: rule.createdAt.toISOString(),
      updatedAt: rule.updatedAt.toISOString(),
    };
  }
}

export class AutoReplyPageDto extends PageDto(AutoReplyDto) {}
