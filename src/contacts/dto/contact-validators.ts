import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isSupportedCountry } from 'libphonenumber-js/max';

import { ValidationError } from '../../common/errors/domain-error.js';
import { toE164OrThrow } from '../../common/phone/phone-number.js';
import { canonicalTimeZone } from '../../common/time-zones/time-zone.js';
import { attributesProblem, normaliseTags, storableTextProblem, tagsProblem } from '../contact-fields.js';

/** A flat object of string values with well-formed keys (see contact-fields.ts). */
export function IsContactAttributes(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isContactAttributes',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => attributesProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'attributes'} ${attributesProblem(args?.value) ?? 'is invalid'}`,
      },
    });
}

/** Text that PostgreSQL can store: no NUL character, no lone surrogate. */
export function IsStorableText(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isStorableText',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || storableTextProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} ${typeof args?.value === 'string' ? (storableTextProblem(args.value) ?? 'is invalid') : 'is invalid'}`,
      },
    });
}

/** Up to 50 tags of 1..64 characters, trimmed and de-duplicated before validation. */
export function IsContactTags(options?: ValidationOptions): PropertyDecorator {
  const normalise = Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string') ? normaliseTags(value) : value,
  );
  const validate: PropertyDecorator = (target, propertyName) =>
    registerDecorator({
      name: 'isContactTags',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => tagListProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'tags'} ${tagListProblem(args?.value) ?? 'is invalid'}`,
      },
    });
  return (target, propertyName) => {
    normalise(target, propertyName);
    validate(target, propertyName);
  };
}

function tagListProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    return 'must be an array of strings';
  return tagsProblem(value);
}

/** An ISO 3166-1 alpha-2 code that the phone-number metadata knows. */
export function IsSupportedCountry(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSupportedCountry',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isSupportedCountry(value.toUpperCase()),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'defaultCountry'} must be an ISO 3166-1 alpha-2 country code such as US or GB`,
      },
    });
}

/**
 * A phone number in any common form, read with the sibling `defaultCountry` when that is valid, so
 * a bad number is reported together with every other bad field. The service normalises it again.
 */
export function IsPhoneNumberInput(
  defaultCountryProperty = 'defaultCountry',
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPhoneNumberInput',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          if (typeof value !== 'string') return false;
          const country = (args?.object as Record<string, unknown> | undefined)?.[defaultCountryProperty];
          const usableCountry =
            typeof country === 'string' && isSupportedCountry(country.toUpperCase()) ? country : undefined;
          try {
            toE164OrThrow(value, args?.property ?? 'phone', usableCountry);
            return true;
          } catch (error) {
            if (error instanceof ValidationError) return false;
            throw error;
          }
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'phone'} is not a valid phone number (use E.164 such as +14155550100, or add defaultCountry)`,
      },
    });
}

/** An IANA time zone the runtime's zone database knows (`America/New_York`); not a fixed offset. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalTimeZone(value) !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'timeZone'} must be an IANA time zone such as America/New_York`,
      },
    });
}
