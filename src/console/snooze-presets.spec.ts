import { SNOOZE_PRESETS, toLocalInput } from '../../console/src/snooze.js';

const preset = (label: string) => {
  const found = SNOOZE_PRESETS.find((candidate) => candidate.label === label);
  if (!found) throw new Error(`no preset ${label}`);
  return found;
};

// Local times: the presets are in the agent's own time zone, as the browser has it.
const wednesdayAfternoon = new Date(2026, 11, 2, 15, 30);
const mondayMorning = new Date(2026, 11, 7, 8, 0);

describe('the console’s snooze presets', () => {
  it('snoozes for an hour from now', () => {
    expect(preset('1 hour').until(wednesdayAfternoon)).toEqual(new Date(2026, 11, 2, 16, 30));
  });

  it('snoozes until 9:00 tomorrow, also across the end of a month', () => {
    expect(preset('Tomorrow 9:00').until(wednesdayAfternoon)).toEqual(new Date(2026, 11, 3, 9, 0));
    expect(preset('Tomorrow 9:00').until(new Date(2026, 10, 30, 22, 0))).toEqual(new Date(2026, 11, 1, 9, 0));
  });

  it('snoozes until next Monday 9:00, a whole week on a Monday', () => {
    expect(preset('Next week').until(wednesdayAfternoon)).toEqual(new Date(2026, 11, 7, 9, 0));
    expect(preset('Next week').until(mondayMorning)).toEqual(new Date(2026, 11, 14, 9, 0));
    expect(preset('Next week').until(new Date(2026, 11, 6, 23, 0))).toEqual(new Date(2026, 11, 7, 9, 0));
  });

  it('writes a datetime-local value in local time', () => {
    expect(toLocalInput(new Date(2026, 0, 5, 7, 4))).toBe('2026-01-05T07:04');
  });
});
