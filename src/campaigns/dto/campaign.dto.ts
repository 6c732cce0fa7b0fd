import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { MESSAGE_STATUSES, type MessageStatus } from '../../channels/providers/channel-provider.interface.js';
import { PageDto } from '../../common/pagination/page.js';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { MessageDto } from '../../conversations/dto/message.dto.js';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../campaign-state.js';
import { TemplateDto } from '../../conversations/dto/send-message.dto.js';
import { CampaignAudienceDto, FrequencyCapDto, SendWindowDto } from './create-campaign.dto.js';
import type { FrequencyCap, SendWindow } from '../send-window.js';
import type { CampaignAudience, CampaignMessage } from '../campaign.entity.js';

export class CampaignStatsDto {
  @ApiProperty({
    description: 'Unique audience contacts, skipped ones included (0 until the audience is resolved)',
    example: 2500,
  })
  total!: number;

  @ApiProperty({ example: 0 })
  queued!: number;

  @ApiProperty({
    description: 'Outside their send window now, in their own time zone; sent when it opens',
    example: 0,
  })
  held!: number;

  @ApiProperty({ example: 1200 })
  sent!: number;

  @ApiProperty({ example: 1250 })
  delivered!: number;

  @ApiProperty({ example: 10 })
  read!: number;

  @ApiProperty({ description: 'Failed or rejected', example: 20 })
  failed!: number;

  @ApiProperty({ example: 15 })
  skippedOptedOut!: number;

  @ApiProperty({ description: 'Erased contacts and contacts without a phone number', example: 5 })
  skippedInvalid!: number;

  @ApiProperty({
    description: 'Left out by the frequency cap (listed among the messages as skipped, reason frequency_cap)',
    example: 0,
  })
  skippedFrequencyCap!: number;
}

/** The stored message: `kind` says which of `text` and `template` it carries. */
class CampaignMessageViewDto {
  @ApiProperty({ enum: ['text', 'template'], example: 'text' })
  kind!: 'text' | 'template';

  @ApiPropertyOptional({ example: 'Hi {{firstName}}, 20% off today.' })
  text?: string;

  @ApiPropertyOptional({ type: TemplateDto })
  template?: TemplateDto;
}

export class CampaignDto {
  @ApiProperty({ format: 'uuid', example: '7d4b2c1a-0e9f-4b8a-a6c5-3e2d1f0a9b8c' })
  id!: string;

  @ApiProperty({ example: 'Spring sale' })
  name!: string;

  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({ type: CampaignMessageViewDto })
  message!: CampaignMessage;

  @ApiProperty({ type: CampaignAudienceDto, example: { tags: ['vip'] } })
  audience!: CampaignAudience;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-12-01T15:00:00.000Z' })
  scheduledAt!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 50 })
  ratePerSecond!: number | null;

  @ApiProperty({ type: SendWindowDto, nullable: true, example: { start: '08:00', end: '21:00' } })
  sendWindow!: SendWindow | null;

  @ApiProperty({ type: FrequencyCapDto, nullable: true, example: { max: 2, perHours: 24 } })
  frequencyCap!: FrequencyCap | null;

  @ApiProperty({ enum: CAMPAIGN_STATUSES, example: 'draft' })
  status!: CampaignStatus;

  @ApiProperty({ type: String, nullable: true, example: null })
  failureReason!: string | null;

  @ApiProperty({ type: CampaignStatsDto })
  stats!: CampaignStatsDto;

  @ApiProperty({
    minimum: 0,
    maximum: 1,
    description: '(total − queued) / total; 1 once completed',
    example: 0.5,
  })
  progress!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  startedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  completedAt!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  updatedAt!: string;
}

export class CampaignPageDto extends PageDto(CampaignDto) {}

export class CampaignMessagePageDto extends PageDto(MessageDto) {}

export class CampaignMessagesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus;
}

class SegmentRangeDto {
  @ApiProperty({ minimum: 0, example: 1 })
  min!: number;

  @ApiProperty({ minimum: 0, example: 2 })
  max!: number;
}

export class CampaignPreviewDto {
  @ApiProperty({
    description: 'Who would get the message: the unique audience minus everyone skipped (held ones included)',
    example: 2480,
  })
  recipients!: number;

  @ApiProperty({ example: 15 })
  skippedOptedOut!: number;

  @ApiProperty({ description: 'Erased contacts and contacts without a phone number', example: 5 })
  skippedInvalid!: number;

  @ApiProperty({ example: 0 })
  skippedFrequencyCap!: number;

  @ApiProperty({
    description: 'Recipients outside the send window in their own time zone right now (also in recipients)',
    example: 310,
  })
  heldNow!: number;

  @ApiProperty({
    enum: ['GSM-7', 'UCS-2'],
    description: 'UCS-2 as soon as one recipient’s rendered text has a character outside GSM-7',
    example: 'GSM-7',
  })
  encoding!: 'GSM-7' | 'UCS-2';

  @ApiProperty({
    type: SegmentRangeDto,
    description: 'SMS segments of the shortest and longest rendered text (0 without recipients)',
  })
  segmentsPerMessage!: SegmentRangeDto;

  @ApiProperty({ description: 'SMS segments over all recipients', example: 2480 })
  totalSegments!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Seconds to send to every recipient at the tightest of the campaign's ratePerSecond and the channel's maxPerSecond; null when neither is set (as fast as the provider accepts). Held recipients wait for their window on top of this.",
    example: 50,
  })
  estimatedSeconds!: number | null;
}
