import { ValidationError } from '../../common/errors/domain-error.js';
import { createValidationPipe } from '../../common/http/validation-pipe.js';
import { CreateContactDto } from './create-contact.dto.js';
import { ListContactsQueryDto } from './list-contacts-query.dto.js';
import { UpdateContactDto } from './update-contact.dto.js';

const pipe = createValidationPipe();
const validate = <T>(metatype: new () => T, value: unknown, type: 'body' | 'query' = 'body') =>
  pipe.transform(value, { type, metatype }) as Promise<T>;
const badFields = async (metatype: new () => unknown, value: unknown) => {
  const error = await validate(metatype, value).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).details?.map((detail) => detail.field).sort();
};

describe('contact DTOs', () => {
  it('accept a national number with its country, and trim and de-duplicate tags', async () => {
    const dto = await validate(CreateContactDto, {
      phone: '(415) 555-0100',
      defaultCountry: 'US',
      tags: [' vip', 'vip '],
    });

    expect(dto.tags).toEqual(['vip']);
  });

  it('name every bad field at once, the phone included', async () => {
    expect(
      await badFields(CreateContactDto, {
        phone: '555',
        name: 'x'.repeat(201),
        tags: ['ok', ' '],
        attributes: { '1st': 'x' },
      }),
    ).toEqual(['attributes', 'name', 'phone', 'tags']);
  });

  it('report an unknown country on defaultCountry rather than on the phone', async () => {
    expect(await badFields(CreateContactDto, { phone: '+14155550100', defaultCountry: 'XX' })).toEqual([
      'defaultCountry',
    ]);
  });

  it('let a change clear a name with null but not the phone, tags or attributes', async () => {
    await expect(validate(UpdateContactDto, { name: null })).resolves.toMatchObject({ name: null });
    expect(await badFields(UpdateContactDto, { phone: null, tags: null, attributes: null })).toEqual([
      'attributes',
      'phone',
      'tags',
    ]);
  });

  it('read optedOut from the query string as a boolean', async () => {
    await expect(validate(ListContactsQueryDto, { optedOut: 'false' }, 'query')).resolves.toMatchObject({
      optedOut: false,
      limit: 50,
    });
    await expect(validate(ListContactsQueryDto, { optedOut: 'yes' }, 'query')).rejects.toThrow(
      ValidationError,
    );
  });
});
