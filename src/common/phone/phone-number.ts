import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { ValidationError } from '../errors/domain-error.js';

/**
 * Parses a phone number written in any common form (`+1 415-555-0100`, `(415) 555 0100` with a
 * default country, `0044 20 …`) into E.164, or throws a validation error naming `field`.
 */
export function toE164OrThrow(input: string, field: string, defaultCountry?: string): string {
  const country = defaultCountry?.toUpperCase();
  if (country !== undefined && !isSupportedCountry(country)) {
    throw ValidationError.forField(
      'defaultCountry',
      'must be an ISO 3166-1 alpha-2 country code such as US or GB',
    );
  }
  const cleaned = input.trim().replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, country);
  if (!parsed || !parsed.isValid()) {
    throw ValidationError.forField(
      field,
      'is not a valid phone number (use E.164 such as +14155550100, or add defaultCountry)',
    );
  }
  return parsed.number;
}

/** For logs: keeps the country code and the last two digits. */
export function maskPhone(e164: string): string {
  return e164.length <= 6 ? '***' : `${e164.slice(0, 3)}${'*'.repeat(e164.length - 5)}${e164.slice(-2)}`;
}
