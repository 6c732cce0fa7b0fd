import { timeZoneOfPhone } from './phone-time-zone.js';
import { canonicalTimeZone, localTime } from './time-zone.js';

describe('timeZoneOfPhone', () => {
  it.each([
    ['+12125550100', 'America/New_York'],
    ['+14155550100', 'America/Los_Angeles'],
    ['+18085550100', 'Pacific/Honolulu'],
    ['+61255501234', 'Australia/Sydney'],
    ['+33612345678', 'Europe/Paris'],
    ['+447700900123', 'Europe/London'],
  ])('maps %s to %s by country and area code', (phone, zone) => {
    expect(timeZoneOfPhone(phone)).toBe(zone);
  });

  it('gives no zone when the prefix spans zones with different clocks, or for no number', () => {
    expect(timeZoneOfPhone('+61855501234')).toBeNull();
    expect(timeZoneOfPhone(null)).toBeNull();
  });
});

describe('canonicalTimeZone', () => {
  it('spells a known zone canonically and refuses unknown zones and fixed offsets', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
    expect(canonicalTimeZone('+01:00')).toBeUndefined();
  });
});

describe('localTime', () => {
  it('follows daylight saving: 12:00 UTC is 08:00 in New York in summer and 07:00 in winter', () => {
    expect(localTime('America/New_York', new Date('2026-07-01T12:00:00Z'))).toEqual({
      weekday: 'wed',
      minutes: 8 * 60,
    });
    expect(localTime('America/New_York', new Date('2026-12-02T12:00:00Z'))).toEqual({
      weekday: 'wed',
      minutes: 7 * 60,
    });
  });
});
