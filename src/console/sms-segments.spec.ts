import fc from 'fast-check';

import { smsSegments } from '../../console/src/sms-segments.js';
import { countSms } from '../campaigns/sms-encoding.js';

describe("the console's segment counter", () => {
  it('agrees with the server on any text, GSM-7 extension characters and emoji included', () => {
    const char = fc.oneof(
      fc.constantFrom('a', 'é', 'ç', '€', '{', '}', '[', ']', '~', '\\', '|', '^', '\n', '😀', 'Ж', ' '),
      fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 400 }), (chars) => {
        const text = chars.join('');
        expect(smsSegments(text)).toEqual(countSms(text));
      }),
    );
  });
});
