import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

import {
  CONVERSATION_CHANNELS,
  type ConversationChannel,
  SINCH_CONVERSATION_REGIONS,
  SINCH_SMS_REGIONS,
} from '../providers/channel-provider.interface.js';

/** `scheme://host[:port]` only: the provider's own paths are appended to it. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/;
const ORIGIN_MESSAGE =
  'must be an origin such as https://eu.sms.api.sinch.com (scheme, host and optional port, no path)';
const IDENTIFIER = /^[A-Za-z0-9_.:-]+$/;

/** What every provider's config has. */
class SendingLimitConfigDto {
  @ApiPropertyOptional({
    description:
      'The provider’s sending limit for this sender or account, in recipients per second. Everything sent ' +
      'through the channel (campaigns, single sends, replies, auto-replies) stays within it together, on every instance',
    minimum: 1,
    maximum: 100_000,
    example: 25,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxPerSecond?: number;
}

export class SinchSmsConfigDto extends SendingLimitConfigDto {
  @ApiProperty({ example: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4' })
  @IsString()
  @Matches(IDENTIFIER)
  @MaxLength(128)
  servicePlanId!: string;

  @ApiProperty({
    description: 'Secret: write-only, shown masked',
    example: 'f1e2d3c4b5a6f1e2d3c4b5a6f1e2d3c4',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(512)
  apiToken!: string;

  @ApiProperty({ enum: SINCH_SMS_REGIONS, example: 'us' })
  @IsIn(SINCH_SMS_REGIONS)
  region!: (typeof SINCH_SMS_REGIONS)[number];

  @ApiPropertyOptional({
    description: 'Origin replacing the regional host',
    example: 'https://us.sms.api.sinch.com',
  })
  @IsOptional()
  @Matches(ORIGIN, { message: `baseUrl ${ORIGIN_MESSAGE}` })
  baseUrl?: string;

  @ApiPropertyOptional({
    description: 'Secret: when set, callbacks must carry a valid Sinch HMAC signature',
    example: 'a-shared-hmac-secret',
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(512)
  webhookSecret?: string;
}

export class SinchConversationConfigDto extends SendingLimitConfigDto {
  @ApiProperty({ example: 'c36f3d3d-1513-2edd-ae42-11995557ff61' })
  @IsString()
  @Matches(IDENTIFIER)
  @MaxLength(128)
  projectId!: string;

  @ApiProperty({ example: '01EB37HMH1M6SV18BSNS3G135H' })
  @IsString()
  @Matches(IDENTIFIER)
  @MaxLength(128)
  appId!: string;

  @ApiProperty({ example: '5f1b3a9e-0c2d-4e6f-8a1b-2c3d4e5f6a7b' })
  @IsString()
  @Matches(IDENTIFIER)
  @MaxLength(128)
  keyId!: string;

  @ApiProperty({ description: 'Secret: write-only, shown masked', example: 'aVeryLongAccessKeySecret' })
  @IsString()
  @MinLength(8)
  @MaxLength(512)
  keySecret!: string;

  @ApiProperty({ enum: SINCH_CONVERSATION_REGIONS, example: 'eu' })
  @IsIn(SINCH_CONVERSATION_REGIONS)
  region!: (typeof SINCH_CONVERSATION_REGIONS)[number];

  @ApiProperty({ enum: CONVERSATION_CHANNELS, example: 'WHATSAPP' })
  @IsIn(CONVERSATION_CHANNELS)
  channel!: ConversationChannel;

  @ApiPropertyOptional({ enum: CONVERSATION_CHANNELS, isArray: true, example: ['WHATSAPP', 'SMS'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONVERSATION_CHANNELS.length)
  @IsIn(CONVERSATION_CHANNELS, { each: true })
  channelPriorityOrder?: ConversationChannel[];

  @ApiPropertyOptional({ description: 'Sender for the SMS channel (SMS_SENDER)', example: '+12025550142' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  smsSender?: string;

  @ApiProperty({
    description: 'Secret: the app webhook secret Sinch signs callbacks with',
    example: 'a-shared-hmac-secret',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(512)
  webhookSecret!: string;

  @ApiPropertyOptional({ example: 'https://eu.conversation.api.sinch.com' })
  @IsOptional()
  @Matches(ORIGIN, { message: `baseUrl ${ORIGIN_MESSAGE}` })
  baseUrl?: string;

  @ApiPropertyOptional({ example: 'https://auth.sinch.com' })
  @IsOptional()
  @Matches(ORIGIN, { message: `authUrl ${ORIGIN_MESSAGE}` })
  authUrl?: string;
}

export class PlivoConfigDto extends SendingLimitConfigDto {
  @ApiProperty({ example: 'MAXXXXXXXXXXXXXXXXXX' })
  @IsString()
  @Matches(/^[A-Z0-9]+$/, { message: 'authId must be upper-case letters and digits' })
  @MaxLength(64)
  authId!: string;

  @ApiProperty({
    description: 'Secret: write-only, shown masked',
    example: 'YmFzZTY0c2VjcmV0dG9rZW4xMjM0NTY3ODkw',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(512)
  authToken!: string;

  @ApiPropertyOptional({ example: 'https://api.plivo.com' })
  @IsOptional()
  @Matches(ORIGIN, { message: `baseUrl ${ORIGIN_MESSAGE}` })
  baseUrl?: string;
}

export class SandboxConfigDto extends SendingLimitConfigDto {
  @ApiPropertyOptional({
    description: 'Delay before the simulated delivery report',
    default: 500,
    example: 500,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  deliveryDelayMs?: number;

  @ApiPropertyOptional({
    description: 'Recipients starting with one of these fail delivery',
    type: [String],
    example: ['+1555'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^\+?\d{1,15}$/, { each: true, message: 'each failurePrefix must be digits, optionally after +' })
  failurePrefixes?: string[];
}

const MASKED_SECRET = {
  description: 'Secret, masked: the last four characters when it is long enough to spare them',
  example: '••••1a2b',
};

/** A Sinch SMS config as the API shows it: secrets masked. */
export class SinchSmsConfigViewDto extends OmitType(SinchSmsConfigDto, [
  'apiToken',
  'webhookSecret',
] as const) {
  @ApiProperty(MASKED_SECRET)
  apiToken!: string;

  @ApiPropertyOptional(MASKED_SECRET)
  webhookSecret?: string;
}

/** A Sinch Conversation config as the API shows it: secrets masked. */
export class SinchConversationConfigViewDto extends OmitType(SinchConversationConfigDto, [
  'keySecret',
  'webhookSecret',
] as const) {
  @ApiProperty(MASKED_SECRET)
  keySecret!: string;

  @ApiProperty(MASKED_SECRET)
  webhookSecret!: string;
}

/** A Plivo config as the API shows it: the auth token masked. */
export class PlivoConfigViewDto extends OmitType(PlivoConfigDto, ['authToken'] as const) {
  @ApiProperty(MASKED_SECRET)
  authToken!: string;
}

/** The sandbox's config as the API shows it (its signing secret is never shown). */
export class SandboxConfigViewDto extends OmitType(SandboxConfigDto, [] as const) {}

export const CONFIG_DTO_BY_PROVIDER = {
  'sinch-sms': SinchSmsConfigDto,
  'sinch-conversation': SinchConversationConfigDto,
  plivo: PlivoConfigDto,
  sandbox: SandboxConfigDto,
} as const;
