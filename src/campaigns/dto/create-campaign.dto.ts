import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsOmittable, NestedObject } from '../../common/validation/field-presence.decorators.js';
import { TemplateDto } from '../../conversations/dto/send-message.dto.js';

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
