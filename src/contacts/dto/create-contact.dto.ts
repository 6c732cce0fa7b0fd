import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

import { IsOmittable } from '../../common/validation/field-presence.decorators.js';
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

export class CreateContactDto {
  @ApiProperty({ description: 'Any common format; stored as E.164', example: '(415) 555-0100' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @IsPhoneNumberInput()
  phone!: string;

  @ApiPropertyOptional(DEFAULT_COUNTRY_SCHEMA)
  @IsOptional()
  @IsSupportedCountry()
  defaultCountry?: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX_LENGTH, example: 'Ada Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX_LENGTH)
  @IsStorableText()
  name?: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX_LENGTH, example: 'Ada' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX_LENGTH)
  @IsStorableText()
  firstName?: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX_LENGTH, example: 'Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX_LENGTH)
  @IsStorableText()
  lastName?: string;

  @ApiPropertyOptional(ATTRIBUTES_SCHEMA)
  @IsOptional()
  @IsContactAttributes()
  attributes?: Record<string, string>;

  @ApiPropertyOptional(TAGS_SCHEMA)
  @IsOptional()
  @IsContactTags()
  tags?: string[];

  @ApiPropertyOptional(TIME_ZONE_SCHEMA)
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  @IsTimeZone()
  timeZone?: string;
}
