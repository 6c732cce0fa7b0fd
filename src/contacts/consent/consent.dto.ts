import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

import type { ConsentEventRow } from './consent-ledger.service.js';

export class ConsentEventDto {
  @ApiProperty({ description: 'Increasing with time', example: '42' })
  id!: string;

  @ApiProperty({ enum: ['opt_out', 'opt_in'], example: 'opt_out' })
  action!: 'opt_out' | 'opt_in';

  @ApiProperty({
    enum: ['keyword', 'api', 'import', 'provider'],
    description:
      'keyword: an inbound message carried a consent keyword; api: a user (or API key) called opt-out/opt-in; provider: the provider reported it (Plivo MessageIntent, Sinch Conversation opt-out). Imports never change consent.',
    example: 'keyword',
  })
  source!: ConsentEventRow['source'];

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: '0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d',
  })
  channelId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The keyword as matched', example: 'STOP' })
  keyword!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The inbound message that carried the keyword',
    example: '5f2b8c1e-3d4a-4b6c-8e9f-0a1b2c3d4e5f',
  })
  messageId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The user who called the API',
    example: null,
  })
  userId!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  at!: string;

  static from(row: ConsentEventRow): ConsentEventDto {
    return {
      id: row.id,
      action: row.action,
      source: row.source,
      channelId: row.channel_id,
      keyword: row.keyword,
      messageId: row.message_id,
      userId: row.user_id,
      at: row.at.toISOString(),
    };
  }
}

export class ConsentExportQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Events at or after',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before', example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
