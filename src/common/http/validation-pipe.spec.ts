import { ArrayMinSize, IsEmail, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationError } from '../errors/domain-error.js';
import { createValidationPipe } from './validation-pipe.js';

class AudienceDto {
  @IsString({ each: true })
  @ArrayMinSize(1)
  tags!: string[];
}

class CampaignLikeDto {
  @IsEmail()
  owner!: string;

  @ValidateNested()
  @Type(() => AudienceDto)
  audience!: AudienceDto;
}

describe('the global validation pipe', () => {
  const sut = createValidationPipe();
  const validate = (value: unknown) => sut.transform(value, { type: 'body', metatype: CampaignLikeDto });

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

  it('returns a typed instance for a valid body', async () => {
    const value = await validate({ owner: 'a@example.com', audience: { tags: ['vip'] } });

    expect(value).toBeInstanceOf(CampaignLikeDto);
  });
});
