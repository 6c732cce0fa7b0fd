import { ApiProperty } from '@nestjs/swagger';

export class TokenPairDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzZjBjIn0.c2lnbmF0dXJl' })
  accessToken!: string;

  @ApiProperty({
    description: 'Single use: each refresh returns a new one',
    example: 'q5mV0m2mX0c1X3b1H2fW3lT4y9aZ7eR8uK6pN5sD1gE',
  })
  refreshToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;
}
