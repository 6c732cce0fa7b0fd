import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

import { PageDto } from '../../common/pagination/page.js';
import { type Role, ROLES } from '../../users/user.entity.js';
import type { ApiKeyRow } from '../api-keys.repository.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CRM sync', maxLength: 200 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'agent', description: 'What the key may do, as a user of that role' })
  @IsIn(ROLES)
  role!: Role;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid', example: '0b6f7d7e-3c1a-4f5e-9d2b-8a4c6e1f2a3b' })
  id!: string;

  @ApiProperty({ example: 'CRM sync' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'agent' })
  role!: Role;

  @ApiProperty({ description: 'The first characters of the key, to recognise it', example: 'sb_q3Vh0cKx' })
  prefix!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Updated at most once a minute',
    example: '2026-11-23T09:30:00.000Z',
  })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  revokedAt!: string | null;

  static from(row: ApiKeyRow): ApiKeyDto {
    return {
      id: row.id,
      name: row.name,
      role: row.role,
      prefix: row.prefix,
      createdAt: row.created_at.toISOString(),
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
      revokedAt: row.revoked_at?.toISOString() ?? null,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description: 'The key itself, shown in this response only: use it as `Authorization: Bearer <key>`',
    example: 'sb_q3Vh0cKxR2m9T1yWZ8bJfLpA4nE6uD0sGvXcH7kQoIt',
  })
  key!: string;
}

export class ApiKeyPageDto extends PageDto(ApiKeyDto) {}
