import type { BackoffSchedule } from '../../../common/retry/backoff.js';

/** How persistently one provider call is retried before the caller gets a ProviderTransientError. */
export interface RetryPolicy extends BackoffSchedule {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /**
   * The longest Retry-After worth waiting for inside one call. A provider asking for more gets no
   * in-call retry: the error carries its Retry-After so the caller can reschedule the work instead
   * of holding a worker asleep.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** 429 and every 5xx are worth another try; any other status is the provider's final word. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
