import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';

/**
 * A nested object, validated with its own DTO: a missing, `null`, array or scalar value is a 400
 * naming the field. (`@ValidateNested()` alone lets a missing object through and validates an
 * array element by element.) Combine with `@IsOptional()` for an optional object.
 */
export const NestedObject = (type: () => new () => object) =>
  applyDecorators(IsObject(), ValidateNested(), Type(type));

/**
 * May be left out (the stored value stays), but never `null`: for fields that have no null
 * value, where `@IsOptional()` would let `null` through to the service.
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
