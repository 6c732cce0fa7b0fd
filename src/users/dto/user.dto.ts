import { ApiProperty } from '@nestjs/swagger';

import { PageDto } from '../../common/pagination/page.js';
import { type Role, ROLES, type User } from '../user.entity.js';

export class UserDto {
  @ApiProperty({ format: 'uuid', example: '3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  name!: string | null;

  @ApiProperty({ enum: ROLES, example: 'agent' })
  role!: Role;

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T08:00:00.000Z' })
  updatedAt!: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      disabled: user.disabled,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}

export class UserPageDto extends PageDto(UserDto) {}
