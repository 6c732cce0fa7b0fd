import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

import { NAME_MAX_LENGTH } from '../contact-fields.js';
import { ATTRIBUTES_SCHEMA, DEFAULT_COUNTRY_SCHEMA, TAGS_SCHEMA, TIME_ZONE_SCHEMA } from './contact.dto.js';
import {
  IsContactAttributes,
  IsContactTags,
  IsPhoneNumberInput,
  IsStorableText,
  IsSupportedCountry,
  IsTimeZone,
} from './contact-validators.js';

/** Omitted fields keep their values; `null` clears a name; `attributes` and `tags` replace the stored ones. */
export class UpdateContactDto {
  @ApiPropertyOptional({ description: 'Any common format; stored as E.164', example: '+44 20 7946 0958' })
  @ValidateIf((dto: UpdateContactDto) => dto.phone !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @IsPhoneNumberInput()
  phone?: string;

  @ApiPropertyOptional({
    ...DEFAULT_COUNTRY_SCHEMA,
    description: 'Reads a changed `phone` written without a country code',
  })
  @IsOptional()
  @IsSupportedCountry()
  defaultCountry?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX_LENGTH, example: 'Ada King' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX_LENGTH)
  @IsStorableText()
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX_LENGTH, example: 'Ada' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX_LENGTH)
  @IsStorableText()
  firstName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX_LENGTH, example: 'King' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX_LENGTH)
  @IsStorableText()
  lastName?: string | null;

  @ApiPropertyOptional({ ...ATTRIBUTES_SCHEMA, description: 'Replaces all attributes' })
  @ValidateIf((dto: UpdateContactDto) => dto.attributes !== undefined)
  @IsContactAttributes()
  attributes?: Record<string, string>;

  @ApiPropertyOptional({ ...TAGS_SCHEMA, description: 'Replaces all tags' })
  @ValidateIf((dto: UpdateContactDto) => dto.tags !== undefined)
  @IsContactTags()
  tags?: string[];

  @ApiPropertyOptional({
    ...TIME_ZONE_SCHEMA,
    type: String,
    nullable: true,
    description: 'IANA time zone; `null` goes back to the zone derived from the number',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsTimeZone()
  timeZone?: string | null;
}
