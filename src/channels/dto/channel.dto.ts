import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination/page.js';
import { PROVIDER_KINDS, type ProviderKind } from '../providers/channel-provider.interface.js';
import {
  PlivoConfigDto,
  SandboxConfigDto,
  SinchConversationConfigDto,
  SinchSmsConfigDto,
} from './provider-config.dto.js';

export const CONFIG_SCHEMA = {
  oneOf: [SinchSmsConfigDto, SinchConversationConfigDto, PlivoConfigDto, SandboxConfigDto].map((dto) => ({
    $ref: getSchemaPath(dto),
  })),
};

export class WebhookUrlsDto {
  @ApiPropertyOptional({
    example: 'https://switchboard.example.com/api/v1/webhooks/sinch-conversation/0b9e…',
  })
  callback?: string;

  @ApiPropertyOptional({ example: 'https://switchboard.example.com/api/v1/webhooks/plivo/0b9e…/inbound' })
  inbound?: string;

  @ApiPropertyOptional({ example: 'https://switchboard.example.com/api/v1/webhooks/plivo/0b9e…/status' })
  status?: string;
}

export class ChannelDto {
  @ApiProperty({ format: 'uuid', example: '0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d' })
  id!: string;

  @ApiProperty({ example: 'US marketing SMS' })
  name!: string;

  @ApiProperty({ enum: PROVIDER_KINDS, example: 'sinch-sms' })
  provider!: ProviderKind;

  @ApiProperty({ example: '+12025550142' })
  sender!: string;

  @ApiProperty({
    description: 'The provider config; secret fields are masked (e.g. `••••1a2b`)',
    ...CONFIG_SCHEMA,
  })
  config!: Record<string, unknown>;

  @ApiProperty({ type: WebhookUrlsDto })
  webhookUrls!: WebhookUrlsDto;

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  updatedAt!: string;
}

export class ChannelPageDto extends PageDto(ChannelDto) {}

export class VerifyResultDto {
  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiProperty({ example: 'Sinch SMS accepted the service plan id and API token' })
  detail!: string;
}
