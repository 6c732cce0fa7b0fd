import { expect } from '@jest/globals';

import { ValidationError } from '../errors/domain-error.js';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('cursor', () => {
  it('round-trips a position', () => {
    const position = { at: '2026-11-23T08:00:00.123Z', id: '3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44' };

    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    '',
    'garbage',
    Buffer.from('{"at":1}').toString('base64url'),
    Buffer.from('["not a date","3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44"]').toString('base64url'),
    Buffer.from('["2026-11-23T08:00:00.000Z","not-a-uuid"]').toString('base64url'),
  ])('refuses a cursor it did not make (%p) as a validation error on `cursor`', (value) => {
    expect(() => decodeCursor(value)).toThrow(ValidationError);
    try {
      decodeCursor(value);
    } catch (error) {
      expect((error as ValidationError).details).toEqual([{ field: 'cursor', messages: expect.any(Array) }]);
    }
  });
});
