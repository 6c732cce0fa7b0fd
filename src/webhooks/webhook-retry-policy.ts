/** Retries of a failed webhook event back off exponentially (2 s, 4 s, 8 s, …), to at most this. */
export const MAX_BACKOFF_SECONDS = 300;

/**
 * The SQL for an event's next attempt time, given the SQL of its attempts so far (before this one)
 * and of the maximum backoff in seconds.
 */
export function retryPolicySql(attemptsSql: string, maxBackoffSql: string): string {
  return `now() + make_interval(secs => LEAST(power(2, ${attemptsSql} + 1), ${maxBackoffSql}))`;
}
