import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';

import { PageDto } from '../../common/pagination/page.js';
import { IsOmittable } from '../../common/validation/field-presence.decorators.js';
import { EVENT_FILTERS, type EventFilter } from '../outbox.js';
import type { EndpointRow } from '../webhook-endpoints.repository.js';
import { maskedSecret } from '../webhook-signature.js';

const URL_OPTIONS = { protocols: ['https', 'http'], require_protocol: true, require_tld: false };
const URL_DESCRIPTION =
  'Where events are posted. https, and resolving to public addresses only, unless the server runs with WEBHOOK_ENDPOINTS_ALLOW_PRIVATE=true';
const EVENTS_DESCRIPTION = 'Event types to receive; `*` for all';

export class CreateWebhookEndpointDto {
  @ApiProperty({
    description: URL_DESCRIPTION,
    maxLength: 2048,
    example: 'https://crm.example.com/hooks/switchboard',
  })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    enum: EVENT_FILTERS,
    isArray: true,
    minItems: 1,
    maxItems: EVENT_FILTERS.length,
    description: EVENTS_DESCRIPTION,
    example: ['message.received', 'message.status'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_FILTERS.length)
  @IsIn(EVENT_FILTERS, { each: true })
  events!: EventFilter[];

  @ApiPropertyOptional({ maxLength: 500, example: 'CRM: inbound messages and delivery statuses' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({
    description: URL_DESCRIPTION,
    maxLength: 2048,
    example: 'https://crm.example.com/hooks/v2',
  })
  @IsOmittable()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    enum: EVENT_FILTERS,
    isArray: true,
    minItems: 1,
    maxItems: EVENT_FILTERS.length,
    description: EVENTS_DESCRIPTION,
    example: ['*'],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_FILTERS.length)
  @IsIn(EVENT_FILTERS, { each: true })
  events?: EventFilter[];

  @ApiPropertyOptional({
    description: 'Enabling an endpoint clears `disabledReason`; deliveries still pending resume',
    example: true,
  })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: 'CRM' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid', example: '5a0e8c1d-2b3f-4c5d-8e6f-7a8b9c0d1e2f' })
  id!: string;

  @ApiProperty({ example: 'https://crm.example.com/hooks/switchboard' })
  url!: string;

  @ApiProperty({ enum: EVENT_FILTERS, isArray: true, example: ['message.received', 'message.status'] })
  events!: EventFilter[];

  @ApiProperty({ type: String, nullable: true, example: 'CRM: inbound messages and delivery statuses' })
  description!: string | null;

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the endpoint is disabled (by an admin, or after 24 hours of failed deliveries)',
    example: null,
  })
  disabledReason!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Start of the current run of failed deliveries; null after a success',
    example: null,
  })
  failingSince!: string | null;

  @ApiProperty({
    description: 'Masked: the secret is shown once, when the endpoint is created',
    example: 'whsec_••••Zk8=',
  })
  secret!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  updatedAt!: string;

  static from(row: EndpointRow, secret: string): WebhookEndpointDto {
    return {
      id: row.id,
      url: row.url,
      events: row.events,
      description: row.description,
      enabled: row.enabled,
      disabledReason: row.disabled_reason,
      failingSince: row.failing_since?.toISOString() ?? null,
      secret: maskedSecret(secret),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }
}

export class CreatedWebhookEndpointDto extends WebhookEndpointDto {
  @ApiProperty({
    description:
      'The signing secret (`whsec_` + base64), shown in this response only: verify deliveries with any Standard Webhooks library',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1U5Gxb0jZk8=',
  })
  declare secret: string;
}

export class WebhookEndpointPageDto extends PageDto(WebhookEndpointDto) {}

const DELIVERY_STATUSES = ['succeeded', 'failed', 'pending'] as const;

class WebhookDeliveryDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The attempt (or, while none was made, the delivery)',
    example: '8c7b6a5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
  })
  id!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The delivery: what `retry` takes',
    example: '1e2d3c4b-5a6f-4e7d-8c9b-0a1f2e3d4c5b',
  })
  deliveryId!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The event: the `webhook-id` header, the same on every attempt',
    example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  })
  eventId!: string;

  @ApiProperty({ example: 'message.status' })
  type!: string;

  @ApiProperty({ minimum: 1, example: 1 })
  attempt!: number;

  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'succeeded' })
  status!: (typeof DELIVERY_STATUSES)[number];

  @ApiProperty({ type: Number, nullable: true, example: 200 })
  responseStatus!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'The first 1 KiB of the answer', example: 'ok' })
  responseBody!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  error!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is due, on the latest attempt of a delivery still being retried',
    example: null,
  })
  nextAttemptAt!: string | null;
}

export class WebhookDeliveryPageDto extends PageDto(WebhookDeliveryDto) {}
