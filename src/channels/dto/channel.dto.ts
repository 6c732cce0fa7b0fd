import type { SchemaObject } from '@nestjs/swagger';
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

import type { ProviderKind } from '../providers/channel-provider.interface.js';
import {
  PlivoConfigViewDto,
  SandboxConfigViewDto,
  SinchConversationConfigViewDto,
  SinchSmsConfigViewDto,
} from './provider-config.dto.js';

class CallbackWebhookUrlsDto {
  @ApiProperty({
    description: "The one URL for all of the provider's callbacks",
    example:
      'https://switchboard.example.com/api/v1/webhooks/sinch-conversation/0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d',
  })
  callback!: string;
}

class PlivoWebhookUrlsDto {
  @ApiProperty({
    description: "The Plivo application's message URL",
    example:
      'https://switchboard.example.com/api/v1/webhooks/plivo/0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d/inbound',
  })
  inbound!: string;

  @ApiProperty({
    description: 'Where Plivo reports delivery (set on each send)',
    example:
      'https://switchboard.example.com/api/v1/webhooks/plivo/0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d/status',
  })
  status!: string;
}

/** What every channel shows, whatever its provider. */
class ChannelFieldsDto {
  @ApiProperty({ format: 'uuid', example: '0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d' })
  id!: string;

  @ApiProperty({ example: 'US marketing SMS' })
  name!: string;

  @ApiProperty({ example: '+12025550142' })
  sender!: string;

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  updatedAt!: string;
}

const MASKED = 'Secret fields are masked (e.g. `••••1a2b`)';

class SinchSmsChannelDto extends ChannelFieldsDto {
  @ApiProperty({ enum: ['sinch-sms'], example: 'sinch-sms' })
  provider!: 'sinch-sms';

  @ApiProperty({ type: SinchSmsConfigViewDto, description: MASKED })
  config!: SinchSmsConfigViewDto;

  @ApiProperty({ type: CallbackWebhookUrlsDto })
  webhookUrls!: CallbackWebhookUrlsDto;
}

class SinchConversationChannelDto extends ChannelFieldsDto {
  @ApiProperty({ enum: ['sinch-conversation'], example: 'sinch-conversation' })
  provider!: 'sinch-conversation';

  @ApiProperty({ type: SinchConversationConfigViewDto, description: MASKED })
  config!: SinchConversationConfigViewDto;

  @ApiProperty({ type: CallbackWebhookUrlsDto })
  webhookUrls!: CallbackWebhookUrlsDto;
}

class PlivoChannelDto extends ChannelFieldsDto {
  @ApiProperty({ enum: ['plivo'], example: 'plivo' })
  provider!: 'plivo';

  @ApiProperty({ type: PlivoConfigViewDto, description: MASKED })
  config!: PlivoConfigViewDto;

  @ApiProperty({ type: PlivoWebhookUrlsDto })
  webhookUrls!: PlivoWebhookUrlsDto;
}

class SandboxChannelDto extends ChannelFieldsDto {
  @ApiProperty({ enum: ['sandbox'], example: 'sandbox' })
  provider!: 'sandbox';

  @ApiProperty({ type: SandboxConfigViewDto })
  config!: SandboxConfigViewDto;

  @ApiProperty({ type: CallbackWebhookUrlsDto })
  webhookUrls!: CallbackWebhookUrlsDto;
}

export const CHANNEL_VARIANTS: Readonly<Record<ProviderKind, new () => object>> = {
  'sinch-sms': SinchSmsChannelDto,
  'sinch-conversation': SinchConversationChannelDto,
  plivo: PlivoChannelDto,
  sandbox: SandboxChannelDto,
};

/** A `oneOf` over per-provider schemas, told apart by `provider` (the value each variant fixes). */
export function discriminatedByProvider(
  variants: Readonly<Record<ProviderKind, new () => object>>,
): SchemaObject {
  return {
    oneOf: Object.values(variants).map((variant) => ({ $ref: getSchemaPath(variant) })),
    discriminator: {
      propertyName: 'provider',
      mapping: Object.fromEntries(
        Object.entries(variants).map(([kind, variant]) => [kind, getSchemaPath(variant)]),
      ),
    },
  };
}

/** A channel as the API shows it: one schema per provider, told apart by `provider`. */
export const CHANNEL_SCHEMA = discriminatedByProvider(CHANNEL_VARIANTS);

export class ChannelPageDto {
  @ApiProperty({ type: 'array', items: CHANNEL_SCHEMA })
  items!: object[];

  @ApiProperty({ type: String, nullable: true, example: null })
  nextCursor!: string | null;
}

export class VerifyResultDto {
  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiProperty({ example: 'Sinch SMS accepted the service plan id and API token' })
  detail!: string;
}
