import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsIn, IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';

import { IsOmittable } from '../../common/validation/field-presence.decorators.js';
import { PROVIDER_KINDS, type ProviderKind } from '../providers/channel-provider.interface.js';
import { discriminatedByProvider } from './channel.dto.js';
import {
  PlivoConfigDto,
  SandboxConfigDto,
  SinchConversationConfigDto,
  SinchSmsConfigDto,
} from './provider-config.dto.js';

/** What every new channel names, whatever its provider. */
class ChannelInputDto {
  @ApiProperty({ example: 'US marketing SMS' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ description: 'E.164 number, short code or alphanumeric sender id', example: '+12025550142' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  sender!: string;
}

/**
 * The body of POST /channels as validated: `config` is checked against its provider's DTO once
 * `provider` is known (channel-config.validation.ts). The document describes it per provider
 * (CREATE_CHANNEL_SCHEMA below).
 */
export class CreateChannelDto extends ChannelInputDto {
  @ApiProperty({ enum: PROVIDER_KINDS, example: 'sinch-sms' })
  @IsIn(PROVIDER_KINDS)
  provider!: ProviderKind;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  config!: Record<string, unknown>;
}

// The per-provider schemas below document POST /channels; their validators are there for the bounds
// the document derives from them (name, sender), CreateChannelDto is what the pipe validates.

export class CreateSinchSmsChannelDto extends ChannelInputDto {
  @ApiProperty({ enum: ['sinch-sms'], example: 'sinch-sms' })
  @Equals('sinch-sms')
  provider!: 'sinch-sms';

  @ApiProperty({ type: SinchSmsConfigDto })
  config!: SinchSmsConfigDto;
}

export class CreateSinchConversationChannelDto extends ChannelInputDto {
  @ApiProperty({ enum: ['sinch-conversation'], example: 'sinch-conversation' })
  @Equals('sinch-conversation')
  provider!: 'sinch-conversation';

  @ApiProperty({ type: SinchConversationConfigDto })
  config!: SinchConversationConfigDto;
}

export class CreatePlivoChannelDto extends ChannelInputDto {
  @ApiProperty({ enum: ['plivo'], example: 'plivo' })
  @Equals('plivo')
  provider!: 'plivo';

  @ApiProperty({ type: PlivoConfigDto })
  config!: PlivoConfigDto;
}

export class CreateSandboxChannelDto extends ChannelInputDto {
  @ApiProperty({ enum: ['sandbox'], example: 'sandbox' })
  @Equals('sandbox')
  provider!: 'sandbox';

  @ApiProperty({ type: SandboxConfigDto })
  config!: SandboxConfigDto;
}

/** POST /channels as documented: one schema per provider, told apart by `provider`. */
export const CREATE_CHANNEL_SCHEMA = discriminatedByProvider({
  'sinch-sms': CreateSinchSmsChannelDto,
  'sinch-conversation': CreateSinchConversationChannelDto,
  plivo: CreatePlivoChannelDto,
  sandbox: CreateSandboxChannelDto,
});

export class UpdateChannelDto {
  @ApiPropertyOptional({ example: 'US marketing SMS (new sender)' })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '+12025550143' })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  sender?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "Fields of the channel's provider config to change (the `config` of its create schema); omitted fields, secrets included, keep their values; `null` removes an optional field",
    example: { region: 'eu' },
  })
  @IsOmittable()
  @IsObject()
  config?: Record<string, unknown>;
}
