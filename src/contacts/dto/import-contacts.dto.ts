import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';

import { DEFAULT_COUNTRY_SCHEMA } from './contact.dto.js';
import { IsSupportedCountry } from './contact-validators.js';

export class ImportContactsQueryDto {
  @ApiPropertyOptional(DEFAULT_COUNTRY_SCHEMA)
  @IsOptional()
  @IsSupportedCountry()
  defaultCountry?: string;
}

export class ImportRejectionDto {
  @ApiProperty({ description: 'Line number in the file; the header is line 1', example: 7 })
  line!: number;

  @ApiProperty({ example: 'phone "555-01" is not a valid phone number' })
  reason!: string;
}

export class ImportResultDto {
  @ApiProperty({ description: 'New contacts created', example: 998 })
  imported!: number;

  @ApiProperty({ description: 'Existing contacts (same phone) updated', example: 1 })
  updated!: number;

  @ApiProperty({ type: [ImportRejectionDto], description: 'The first 1000 rejected lines, in file order' })
  rejected!: ImportRejectionDto[];

  @ApiProperty({ description: 'All rejected lines, including those beyond the first 1000', example: 1 })
  rejectedCount!: number;
}
