/** The shape of an exponential backoff: `baseDelayMs` for the first retry, doubling up to `maxDelayMs`. */
export interface BackoffSchedule {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(max, base * 2^(retry-1))], so
 * clients that failed together do not retry together. `retry` counts from 1. The one backoff formula
 * for provider calls and the sends built on them.
 */
export function backoffDelayMs(schedule: BackoffSchedule, retry: number, random: () => number): number {
  const ceiling = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
