import { QueryFailedError } from 'typeorm';

import { serializeError } from './error-serializer.js';

describe('serializeError', () => {
  it('keeps the type, message, code and stack, masking digit runs that may be phone numbers', () => {
    const error = Object.assign(new Error('Provider refused +14155550123'), { code: 'E_REFUSED' });

    const logged = serializeError(error);

    expect(logged).toMatchObject({ type: 'Error', message: 'Provider refused +14***23', code: 'E_REFUSED' });
    expect(logged.stack).toEqual(expect.stringContaining('Provider refused +14***23'));
    expect(JSON.stringify(logged)).not.toContain('4155550123');
  });

  it("takes a database error's SQLSTATE from its driver error", () => {
    const error = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('deadlock'), { code: '40P01' }),
    );

    expect(serializeError(error)).toMatchObject({ type: 'QueryFailedError', code: '40P01' });
  });

  it('logs anything else thrown as its string, masked too', () => {
    expect(serializeError('lost 5550123456')).toEqual({ message: 'lost 55***56' });
  });
});
