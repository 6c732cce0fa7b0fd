import { localTime, type Weekday } from '../common/time-zones/time-zone.js';

/** Local wall-clock hours in which a campaign may reach a recipient, in the recipient's zone. */
export interface SendWindow {
  /** `HH:MM`, inclusive. */
  start: string;
  /** `HH:MM`, exclusive; earlier than `start` for a window across midnight. */
  end: string;
  /** Local days on which the window opens; absent: every day. */
  days?: Weekday[];
  /** Recipients with no known zone: held (the default) or sent at once. */
  unknownTimeZone?: 'hold' | 'send';
}

export interface FrequencyCap {
  max: number;
  perHours: number;
}

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a recipient in `zone` may be sent to at `at`. The local time comes from the zone database,
 * so a window of 08:00–21:00 stays 08:00–21:00 local across daylight-saving changes. A window across
 * midnight (22:00–06:00) belongs to the day it opens on.
 */
export function isWithinWindow(window: SendWindow, zone: string | null, at: Date): boolean {
  if (zone === null) return window.unknownTimeZone === 'send';
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const local = localTime(zone, at);
  if (start < end) {
    return local.minutes >= start && local.minutes < end && dayAllowed(window, local.weekday);
  }
  if (local.minutes >= start) return dayAllowed(window, local.weekday);
  return local.minutes < end && dayAllowed(window, previousDay(local.weekday));
}

/** The zones among `zones` whose window is open at `at`. */
export function openZones(window: SendWindow, zones: readonly string[], at: Date): string[] {
  return zones.filter((zone) => isWithinWindow(window, zone, at));
}

const ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function dayAllowed(window: SendWindow, day: Weekday): boolean {
  return window.days === undefined || window.days.includes(day);
}

function previousDay(day: Weekday): Weekday {
  return ORDER[(ORDER.indexOf(day) + ORDER.length - 1) % ORDER.length];
}
