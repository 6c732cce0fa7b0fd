import { ValidationError } from '../errors/domain-error.js';
import { maskPhone, toE164OrThrow } from './phone-number.js';

describe('toE164OrThrow', () => {
  it.each([
    ['+14155550100', undefined, '+14155550100'],
    ['+1 (415) 555-0100', undefined, '+14155550100'],
    ['(415) 555-0100', 'US', '+14155550100'],
    ['415.555.0100', 'us', '+14155550100'],
    ['0033 6 62 16 24 66', undefined, '+33662162466'],
    ['06 62 16 24 66', 'FR', '+33662162466'],
  ])('reads %p (default country %p) as %p', (input, country, expected) => {
    expect(toE164OrThrow(input, 'to', country)).toBe(expected);
  });

  it.each(['', 'hello', '+1415', '555-0100', '+999123456789'])('refuses %p naming the field', (input) => {
    expect(() => toE164OrThrow(input, 'to')).toThrow(ValidationError);
    expect(() => toE164OrThrow(input, 'to')).toThrow(/^to /);
  });

  it('refuses an unknown default country', () => {
    expect(() => toE164OrThrow('4155550100', 'to', 'XX')).toThrow(/defaultCountry/);
  });
});

describe('maskPhone', () => {
  it('hides all but the country prefix and last two digits', () => {
    expect(maskPhone('+14155550100')).toBe('+14*******00');
  });
});
