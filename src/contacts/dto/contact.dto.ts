import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

import { PageDto } from '../../common/pagination/page.js';
import type { Contact } from '../contact.entity.js';
import { ATTRIBUTE_VALUE_MAX_LENGTH, MAX_ATTRIBUTES, MAX_TAGS, TAG_MAX_LENGTH } from '../contact-fields.js';

export const ATTRIBUTES_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: ATTRIBUTE_VALUE_MAX_LENGTH },
  maxProperties: MAX_ATTRIBUTES,
  description: `Flat string values; keys match ^[A-Za-z][A-Za-z0-9_]{0,63}$ (at most ${MAX_ATTRIBUTES})`,
  example: { company: 'Analytical Engines Ltd', plan: 'gold' },
} satisfies ApiPropertyOptions;

export const TAGS_SCHEMA = {
  type: [String],
  maxItems: MAX_TAGS,
  description: `1..${TAG_MAX_LENGTH} characters each, trimmed and de-duplicated (at most ${MAX_TAGS})`,
  example: ['vip', 'newsletter'],
} satisfies ApiPropertyOptions;

export const DEFAULT_COUNTRY_SCHEMA = {
  description: 'ISO 3166-1 alpha-2 country used for numbers written without a country code',
  example: 'US',
} satisfies ApiPropertyOptions;

export const TIME_ZONE_SCHEMA = {
  description: 'IANA time zone of the contact; unset, the zone is derived from the number',
  example: 'America/Chicago',
  maxLength: 64,
} satisfies ApiPropertyOptions;

export class ContactDto {
  @ApiProperty({ format: 'uuid', example: '6a1f4f0e-2f7e-4b8e-9a55-0c1d2e3f4a5b' })
  id!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'E.164; null for a contact known only by a channel identity',
    example: '+14155550100',
  })
  phone!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ada' })
  firstName!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Lovelace' })
  lastName!: string | null;

  @ApiProperty(ATTRIBUTES_SCHEMA)
  attributes!: Record<string, string>;

  @ApiProperty(TAGS_SCHEMA)
  tags!: string[];

  @ApiProperty({ description: 'Opted out of messages on every channel', example: false })
  optedOut!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  optedOutAt!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The contact's IANA time zone: the one given, else the one its number's prefix says; null when unknown",
    example: 'America/New_York',
  })
  timeZone!: string | null;

  @ApiProperty({
    type: String,
    enum: ['contact', 'phone'],
    nullable: true,
    description: 'Where `timeZone` comes from: set on the contact, or derived from the number',
    example: 'phone',
  })
  timeZoneSource!: 'contact' | 'phone' | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "End of WhatsApp's 24-hour customer-service window",
    example: '2026-11-24T08:00:00.000Z',
  })
  whatsappWindowExpiresAt!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  updatedAt!: string;

  static from(contact: Contact): ContactDto {
    return {
      id: contact.id,
      phone: contact.phone,
      name: contact.name,
      firstName: contact.firstName,
      lastName: contact.lastName,
      attributes: contact.attributes,
      tags: contact.tags,
      optedOut: contact.optedOut,
      optedOutAt: contact.optedOutAt?.toISOString() ?? null,
      timeZone: contact.effectiveTimeZone,
      timeZoneSource: contact.timeZoneSource,
      whatsappWindowExpiresAt: contact.waWindowExpiresAt?.toISOString() ?? null,
      createdAt: contact.createdAt.toISOString(),
      updatedAt: contact.updatedAt.toISOString(),
    };
  }
}

export class ContactPageDto extends PageDto(ContactDto) {}
