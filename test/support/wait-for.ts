export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error, with the last value seen. */
  description?: string;
}

/**
 * Polls `probe` until `until` accepts its value. Webhooks are processed after their 2xx and
 * providers report later, so tests wait for the observable outcome instead of sleeping.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  until: (value: T) => boolean,
  options: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100, description = 'the condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${description}; last value: ${JSON.stringify(value)}`,
      );
    }
    await sleep(intervalMs);
  }
}
