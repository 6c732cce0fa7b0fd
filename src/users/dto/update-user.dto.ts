import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { IsOmittable } from '../../common/validation/field-presence.decorators.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../common/validation/user-rules.js';
import { type Role, ROLES } from '../user.entity.js';

export class UpdateUserDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: '`null` clears it',
    example: 'Grace B. Hopper',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({ enum: ROLES, example: 'admin' })
  @IsOmittable()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN_LENGTH, example: 'a new long passphrase' })
  @IsOmittable()
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;

  @ApiPropertyOptional({
    description: 'A disabled user cannot log in and loses access at once',
    example: true,
  })
  @IsOmittable()
  @IsBoolean()
  disabled?: boolean;
}
