import {
  ArrayMinSize,
  IsBoolean,
  IsEmail,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';

import { ValidationError } from '../errors/domain-error.js';
import { IsOmittable, NestedObject } from '../validation/field-presence.decorators.js';
import { createValidationPipe } from './validation-pipe.js';

class AudienceDto {
  @IsString({ each: true })
  @ArrayMinSize(1)
  tags!: string[];
}

class CampaignLikeDto {
  @IsNotEmpty()
  @IsEmail()
  @MaxLength(254)
  owner!: string;

  @NestedObject(() => AudienceDto)
  audience!: AudienceDto;

  @IsOptional()
  @NestedObject(() => AudienceDto)
  fallbackAudience?: AudienceDto;

  @IsOmittable()
  @IsBoolean()
  paused?: boolean;
}

describe('the global validation pipe', () => {
  const sut = createValidationPipe();
  const validate = (value: unknown): Promise<unknown> =>
    sut.transform(value, { type: 'body', metatype: CampaignLikeDto });

  it('names nested fields by their dotted path', async () => {
    const error = await validate({ owner: 'nope', audience: { tags: [] } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.map((detail) => detail.field)).toEqual([
      'owner',
      'audience.tags',
    ]);
  });

  it('refuses unknown properties instead of silently dropping them', async () => {
    const error = await validate({ owner: 'a@example.com', audience: { tags: ['vip'] }, admin: true }).catch(
      (e: unknown) => e,
    );

    expect((error as ValidationError).details).toEqual([
      { field: 'admin', messages: ['property admin should not exist'] },
    ]);
  });

  it('gives one message per field: the missing value before its length or format', async () => {
    const error = await validate({ owner: '', audience: { tags: ['vip'] } }).catch((e: unknown) => e);

    expect((error as ValidationError).details).toEqual([
      { field: 'owner', messages: ['owner should not be empty'] },
    ]);
    expect((error as ValidationError).message).toBe('Validation failed: owner should not be empty');
  });

  it('returns a typed instance for a valid body', async () => {
    const value = await validate({ owner: 'a@example.com', audience: { tags: ['vip'] } });

    expect(value).toBeInstanceOf(CampaignLikeDto);
  });

  const fieldsNamedFor = async (value: unknown) => {
    const error = await validate(value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details?.map((detail) => detail.field);
  };
  const valid = { owner: 'a@example.com', audience: { tags: ['vip'] } };

  it.each([
    ['missing', undefined],
    ['null', null],
    ['an array', [{ tags: ['vip'] }]],
    ['a string', 'vip'],
  ])('refuses a required nested object that is %s, naming it', async (_case, audience) => {
    expect(await fieldsNamedFor({ ...valid, audience })).toEqual(['audience']);
  });

  it('lets an optional nested object be left out, and validates it when given', async () => {
    await expect(validate(valid)).resolves.toBeInstanceOf(CampaignLikeDto);
    expect(await fieldsNamedFor({ ...valid, fallbackAudience: { tags: [] } })).toEqual([
      'fallbackAudience.tags',
    ]);
  });

  it('lets an omittable field be left out but refuses null for it', async () => {
    await expect(validate({ ...valid, paused: true })).resolves.toBeInstanceOf(CampaignLikeDto);
    expect(await fieldsNamedFor({ ...valid, paused: null })).toEqual(['paused']);
  });
});
