import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { TAG_MAX_LENGTH } from '../contact-fields.js';
import { IsStorableText } from './contact-validators.js';

export class ListContactsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    description:
      'Part of a name, first or last name (case-insensitive), or of the phone number: `+49151` matches numbers starting so, other digits match anywhere',
    example: 'lovelace',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsStorableText()
  search?: string;

  @ApiPropertyOptional({ description: 'Only contacts carrying this tag (exact match)', example: 'vip' })
  @IsOptional()
  @IsString()
  @MaxLength(TAG_MAX_LENGTH)
  @IsStorableText()
  tag?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Only opted-out (`true`) or reachable (`false`) contacts',
    example: false,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  optedOut?: boolean;
}
