import { parseTimestamp, toE164 } from './webhook-payload.js';

describe('toE164', () => {
  it.each([
    ['14155550100', '+14155550100'],
    ['+14155550100', '+14155550100'],
    ['33662162466', '+33662162466'],
    [' 447700900123 ', '+447700900123'],
  ])('writes the international number %s as %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['12345', '555', 'SINCHTEST', 'an identity', '1234567890123456'])('leaves %s as it is', (input) => {
    expect(toE164(input)).toBe(input.trim());
  });
});

describe('parseTimestamp', () => {
  it('reads ISO-8601', () => {
    expect(parseTimestamp('2025-01-13T09:22:40.914Z')?.toISOString()).toBe('2025-01-13T09:22:40.914Z');
    expect(parseTimestamp('2020-11-17T16:05:51.724083Z')?.toISOString()).toBe('2020-11-17T16:05:51.724Z');
  });

  it("reads Plivo's space-separated form as UTC", () => {
    expect(parseTimestamp('2024-03-05 14:07:09.123456')?.toISOString()).toBe('2024-03-05T14:07:09.123Z');
    expect(parseTimestamp('2024-03-05 14:07:09')?.toISOString()).toBe('2024-03-05T14:07:09.000Z');
  });

  it('gives undefined for nothing or nonsense', () => {
    expect(parseTimestamp(undefined)).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });
});
