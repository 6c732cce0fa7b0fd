import { ApiProperty } from '@nestjs/swagger';

import { type Role, ROLES } from '../../users/user.entity.js';

export class MeDto {
  @ApiProperty({ format: 'uuid', example: '3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44' })
  id!: string;

  @ApiProperty({ example: 'admin@example.com' })
  email!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  name!: string | null;

  @ApiProperty({ enum: ROLES, example: 'admin' })
  role!: Role;
}
