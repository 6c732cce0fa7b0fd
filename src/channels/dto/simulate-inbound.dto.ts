import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class SimulateInboundDto {
  @ApiProperty({ description: 'The customer writing in; any common phone format', example: '+14155550100' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  from!: string;

  @ApiProperty({ example: 'STOP' })
  @IsString()
  @MaxLength(4096)
  text!: string;
}

export class SimulatedInboundDto {
  @ApiProperty({ description: "The simulated provider's message id", example: 'sandbox-mo-0f8b…' })
  providerMessageId!: string;
}
