import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { NestedObject } from '../../common/validation/field-presence.decorators.js';

export class TemplateDto {
  @ApiProperty({ example: 'order_update' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  id!: string;

  @ApiPropertyOptional({ example: '1' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  version?: string;

  @ApiPropertyOptional({ example: 'en_US' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  languageCode?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { name: 'Ada' } })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, string>;
}

export class MediaDto {
  @ApiProperty({ example: 'https://example.com/receipt.png' })
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ example: 'Your receipt' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;
}

/** Exactly one of `text`, `template` and `media`. */
export class MessageBodyDto {
  @ApiPropertyOptional({ example: 'Hello from Switchboard' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  text?: string;

  @ApiPropertyOptional({ type: TemplateDto })
  @IsOptional()
  @NestedObject(() => TemplateDto)
  template?: TemplateDto;

  @ApiPropertyOptional({ type: MediaDto })
  @IsOptional()
  @NestedObject(() => MediaDto)
  media?: MediaDto;
}

export class SendMessageDto extends MessageBodyDto {
  @ApiProperty({ format: 'uuid', example: '0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d' })
  @IsUUID()
  channelId!: string;

  @ApiProperty({ description: 'Any common phone format; stored as E.164', example: '+14155550100' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  to!: string;

  @ApiPropertyOptional({ description: 'ISO country for numbers written without +', example: 'US' })
  @IsOptional()
  @IsString()
  @Length(2, 2)
  defaultCountry?: string;
}
