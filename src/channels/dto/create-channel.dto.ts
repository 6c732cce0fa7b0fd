import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { PROVIDER_KINDS, type ProviderKind } from '../providers/channel-provider.interface.js';
import { CONFIG_SCHEMA } from './channel.dto.js';
import {
  PlivoConfigDto,
  SandboxConfigDto,
  SinchConversationConfigDto,
  SinchSmsConfigDto,
} from './provider-config.dto.js';

@ApiExtraModels(SinchSmsConfigDto, SinchConversationConfigDto, PlivoConfigDto, SandboxConfigDto)
export class CreateChannelDto {
  @ApiProperty({ example: 'US marketing SMS' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: PROVIDER_KINDS, example: 'sinch-sms' })
  @IsIn(PROVIDER_KINDS)
  provider!: ProviderKind;

  @ApiProperty({ description: 'E.164 number, short code or alphanumeric sender id', example: '+12025550142' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  sender!: string;

  @ApiProperty({
    description: "The provider's settings; which fields apply depends on `provider`",
    example: {
      servicePlanId: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4',
      apiToken: 'f1e2d3c4b5a6f1e2d3c4b5a6f1e2d3c4',
      region: 'us',
    },
    ...CONFIG_SCHEMA,
  })
  @IsObject()
  config!: Record<string, unknown>;
}

export class UpdateChannelDto {
  @ApiPropertyOptional({ example: 'US marketing SMS (new sender)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '+12025550143' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  sender?: string;

  @ApiPropertyOptional({
    description: 'Fields to change; omitted fields (secrets included) keep their values',
    example: { region: 'eu' },
    ...CONFIG_SCHEMA,
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}
