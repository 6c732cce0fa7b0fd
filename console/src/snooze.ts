/** The snooze presets, in the agent's own time zone (the browser's). */

export interface SnoozePreset {
  label: string;
  until: (now: Date) => Date;
}

const atNine = (day: Date) => {
  const at = new Date(day);
  at.setHours(9, 0, 0, 0);
  return at;
};

const addDays = (day: Date, days: number) => {
  const next = new Date(day);
  next.setDate(next.getDate() + days);
  return next;
};

export const SNOOZE_PRESETS: SnoozePreset[] = [
  { label: '1 hour', until: (now) => new Date(now.getTime() + 3600_000) },
  { label: 'Tomorrow 9:00', until: (now) => atNine(addDays(now, 1)) },
  // Next Monday at 9:00 (a week from today when today is Monday).
  { label: 'Next week', until: (now) => atNine(addDays(now, (8 - now.getDay()) % 7 || 7)) },
];

/** A `datetime-local` value (local time, minutes) for a date. */
export function toLocalInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
