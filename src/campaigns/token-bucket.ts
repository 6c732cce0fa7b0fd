/**
 * A token bucket holding at most one second's worth of tokens: `take(n)` resolves once n tokens
 * are available (n must not exceed the rate). Rates are per app instance.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = ratePerSecond;
    this.updatedAt = now();
  }

  async take(count: number, shouldStop: () => boolean = () => false): Promise<boolean> {
    const wanted = Math.min(count, this.ratePerSecond);
    for (;;) {
      this.refill();
      if (this.tokens >= wanted) {
        this.tokens -= wanted;
        return true;
      }
      if (shouldStop()) return false;
      await this.sleep(Math.max(1, Math.ceil(((wanted - this.tokens) / this.ratePerSecond) * 1000)));
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(
      this.ratePerSecond,
      this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond,
    );
    this.updatedAt = now;
  }
}
