import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsInt,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Matches,
  Min,
} from 'class-validator';
import { IsOmittable, NestedObject } from '../../common/validation/field-presence.decorators.js';
import { WEEKDAYS, type Weekday } from '../../common/time-zones/time-zone.js';
import { TemplateDto } from '../../conversations/dto/send-message.dto.js';
import { HH_MM } from '../send-window.js';

const MAX_AUDIENCE_CONTACT_IDS = 10_000;
const MAX_RATE_PER_SECOND = 1_000_000;

/** Exactly one of `text` and `template`. */
export class CampaignMessageDto {
  @ApiPropertyOptional({
    description:
      'Placeholders: {{name}}, {{firstName}}, {{lastName}}, {{phone}}, {{attributes.X}}; a missing value renders empty',
    example: 'Hi {{firstName}}, 20% off today. Reply STOP to opt out.',
  })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  text?: string;

  @ApiPropertyOptional({ type: TemplateDto })
  @IsOmittable()
  @NestedObject(() => TemplateDto)
  template?: TemplateDto;
}

/** Exactly one of `contactIds`, `tags` and `all`. */
export class CampaignAudienceDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_AUDIENCE_CONTACT_IDS,
    example: ['3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44'],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_AUDIENCE_CONTACT_IDS)
  @IsUUID('all', { each: true })
  contactIds?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Contacts with any of these tags', example: ['vip'] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ enum: [true], description: 'Every contact', example: true })
  @IsOmittable()
  @Equals(true)
  all?: true;
}

/** Hours in the recipient's own time zone in which the campaign may reach them. */
export class SendWindowDto {
  @ApiProperty({
    pattern: HH_MM.source,
    description: 'Local time the window opens (inclusive)',
    example: '08:00',
  })
  @IsString()
  @Matches(HH_MM, { message: 'start must be a time HH:MM such as 08:00' })
  start!: string;

  @ApiProperty({
    pattern: HH_MM.source,
    description: 'Local time the window closes (exclusive); before start for a window across midnight',
    example: '21:00',
  })
  @IsString()
  @Matches(HH_MM, { message: 'end must be a time HH:MM such as 21:00' })
  end!: string;

  @ApiPropertyOptional({
    type: [String],
    enum: WEEKDAYS,
    minItems: 1,
    maxItems: 7,
    description: 'Local days the window opens on; absent: every day',
    example: ['mon', 'tue', 'wed', 'thu', 'fri'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsIn(WEEKDAYS, { each: true })
  days?: Weekday[];

  @ApiPropertyOptional({
    enum: ['hold', 'send'],
    description: 'Recipients whose time zone is unknown: held (default) or sent at once',
    example: 'hold',
  })
  @IsOptional()
  @IsIn(['hold', 'send'])
  unknownTimeZone?: 'hold' | 'send';
}

/** At most `max` campaign messages (any campaign) sent to one contact in the last `perHours` hours. */
export class FrequencyCapDto {
  @ApiProperty({ minimum: 1, maximum: 1000, example: 2 })
  @IsInt()
  @Min(1)
  @Max(1000)
  max!: number;

  @ApiProperty({ minimum: 1, maximum: 8760, example: 24 })
  @IsInt()
  @Min(1)
  @Max(8760)
  perHours!: number;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'Spring sale' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ format: 'uuid', example: '0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d' })
  @IsUUID()
  channelId!: string;

  @ApiProperty({ type: CampaignMessageDto })
  @NestedObject(() => CampaignMessageDto)
  message!: CampaignMessageDto;

  @ApiProperty({ type: CampaignAudienceDto, example: { tags: ['vip'] } })
  @NestedObject(() => CampaignAudienceDto)
  audience!: CampaignAudienceDto;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Used when the campaign is scheduled without a time',
    example: '2026-12-01T15:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_RATE_PER_SECOND,
    description: 'Absent: as fast as the provider accepts',
    example: 50,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_PER_SECOND)
  ratePerSecond?: number;

  @ApiPropertyOptional({
    type: SendWindowDto,
    description: "Send only within these local hours in each recipient's time zone; others are held",
  })
  @IsOptional()
  @NestedObject(() => SendWindowDto)
  sendWindow?: SendWindowDto;

  @ApiPropertyOptional({
    type: FrequencyCapDto,
    description: 'Skip contacts that already received `max` campaign messages in the last `perHours` hours',
  })
  @IsOptional()
  @NestedObject(() => FrequencyCapDto)
  frequencyCap?: FrequencyCapDto;
}

export class ScheduleCampaignDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Absent: the stored scheduledAt, else now',
    example: '2026-12-01T15:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string;
}
