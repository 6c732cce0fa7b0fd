import { isWithinWindow, openZones, type SendWindow } from './send-window.js';

const tcpa: SendWindow = { start: '08:00', end: '21:00' };

describe('isWithinWindow', () => {
  it("holds a recipient outside the window in the recipient's own zone", () => {
    // 01:00 UTC on a Wednesday in July: 21:00 in New York (closed), 18:00 in Los Angeles (open).
    const at = new Date('2026-07-15T01:00:00Z');
    expect(isWithinWindow(tcpa, 'America/New_York', at)).toBe(false);
    expect(isWithinWindow(tcpa, 'America/Los_Angeles', at)).toBe(true);
  });

  it('opens at 08:00 local on both sides of a daylight-saving change (New York, 8 March 2026)', () => {
    // Saturday 7 March: EST (UTC−5), so 08:00 local is 13:00 UTC.
    expect(isWithinWindow(tcpa, 'America/New_York', new Date('2026-03-07T12:59:00Z'))).toBe(false);
    expect(isWithinWindow(tcpa, 'America/New_York', new Date('2026-03-07T13:00:00Z'))).toBe(true);
    // Monday 9 March: EDT (UTC−4), so 08:00 local is 12:00 UTC — an hour earlier in UTC.
    expect(isWithinWindow(tcpa, 'America/New_York', new Date('2026-03-09T11:59:00Z'))).toBe(false);
    expect(isWithinWindow(tcpa, 'America/New_York', new Date('2026-03-09T12:00:00Z'))).toBe(true);
    // And it closes at 21:00 EDT, 01:00 UTC the next day.
    expect(isWithinWindow(tcpa, 'America/New_York', new Date('2026-03-10T00:59:00Z'))).toBe(true);
    expect(isWithinWindow(tcpa, 'America/New_York', new Date('2026-03-10T01:00:00Z'))).toBe(false);
  });

  it('keeps to the given local days', () => {
    const weekdays: SendWindow = { ...tcpa, days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
    expect(isWithinWindow(weekdays, 'Europe/Paris', new Date('2026-07-18T10:00:00Z'))).toBe(false); // Saturday
    expect(isWithinWindow(weekdays, 'Europe/Paris', new Date('2026-07-17T10:00:00Z'))).toBe(true); // Friday
  });

  it('handles a window across midnight as belonging to the day it opens', () => {
    const night: SendWindow = { start: '22:00', end: '06:00', days: ['fri'] };
    expect(isWithinWindow(night, 'UTC', new Date('2026-07-17T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(isWithinWindow(night, 'UTC', new Date('2026-07-18T05:00:00Z'))).toBe(true); // Saturday 05:00, Friday's night
    expect(isWithinWindow(night, 'UTC', new Date('2026-07-18T23:00:00Z'))).toBe(false); // Saturday 23:00
  });

  it('holds recipients with no known zone unless the campaign says send', () => {
    const at = new Date('2026-07-15T15:00:00Z');
    expect(isWithinWindow(tcpa, null, at)).toBe(false);
    expect(isWithinWindow({ ...tcpa, unknownTimeZone: 'send' }, null, at)).toBe(true);
  });
});

describe('openZones', () => {
  it('releases zone by zone as an injected clock moves across the morning', () => {
    const zones = ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Pacific/Honolulu'];
    expect(openZones(tcpa, zones, new Date('2026-07-15T11:30:00Z'))).toEqual([]);
    expect(openZones(tcpa, zones, new Date('2026-07-15T12:00:00Z'))).toEqual(['America/New_York']);
    expect(openZones(tcpa, zones, new Date('2026-07-15T13:00:00Z'))).toEqual([
      'America/New_York',
      'America/Chicago',
    ]);
    expect(openZones(tcpa, zones, new Date('2026-07-15T18:00:00Z'))).toEqual(zones);
  });
});
