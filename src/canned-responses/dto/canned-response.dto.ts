import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

import { PageDto } from '../../common/pagination/page.js';
import { IsOmittable } from '../../common/validation/field-presence.decorators.js';
import type { CannedResponse } from '../canned-response.entity.js';

const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

const SHORTCODE = /^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u;

const Shortcode = () =>
  applyDecorators(
    ApiProperty({
      description:
        'Typed after `/` in the reply box: letters, digits, `-` and `_`; unique regardless of case',
      example: 'hours',
    }),
    Transform(trimmed),
    IsString(),
    IsNotEmpty(),
    MaxLength(50),
    Matches(SHORTCODE, {
      message: 'shortcode must start with a letter or digit and hold only letters, digits, - and _',
    }),
  );

const Text = () =>
  applyDecorators(
    ApiProperty({
      description:
        'The reply; `{{name}}`, `{{firstName}}`, `{{lastName}}`, `{{phone}}` and `{{attributes.<key>}}` are filled for the contact, as in campaigns',
      example: "Hi {{firstName}}, we're open 9–5.",
    }),
    IsString(),
    IsNotEmpty(),
    MaxLength(4096),
  );

export class CreateCannedResponseDto {
  @Shortcode()
  shortcode!: string;

  @Text()
  text!: string;
}

/** Either field may be left out; neither can be null. */
export class UpdateCannedResponseDto {
  @ApiProperty({ required: false })
  @IsOmittable()
  @Shortcode()
  shortcode?: string;

  @ApiProperty({ required: false })
  @IsOmittable()
  @Text()
  text?: string;
}

export class CannedResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'hours' })
  shortcode!: string;

  @ApiProperty({ example: "Hi {{firstName}}, we're open 9–5." })
  text!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(response: CannedResponse): CannedResponseDto {
    return {
      id: response.id,
      shortcode: response.shortcode,
      text: response.text,
      createdAt: response.createdAt.toISOString(),
      updatedAt: response.updatedAt.toISOString(),
    };
  }
}

export class CannedResponsePageDto extends PageDto(CannedResponseDto) {}
