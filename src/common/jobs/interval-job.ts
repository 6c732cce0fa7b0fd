import {
  type BeforeApplicationShutdown,
  Inject,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';

import { MetricsService } from '../../health/metrics.service.js';

/**
 * The one convention for background jobs: a pass every `intervalMs`, never overlapping itself, a
 * failed pass logged and retried at the next tick, and at shutdown no new pass starts while the
 * running one is awaited (so it never meets a closed database pool). Each pass must be safe with any
 * number of instances running it at once: claim work with row locks or compare-and-set. A failed pass
 * is counted in `switchboard_job_failures_total{job}` so a job that keeps failing shows on a dashboard.
 */
export abstract class IntervalJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  // A property, not a constructor parameter, so every job's constructor stays about its own work.
  // Always there in the app (HealthModule is global); absent only in a job a unit test builds by hand.
  @Optional() @Inject(MetricsService) private readonly metrics?: MetricsService;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  protected abstract readonly intervalMs: number;

  /** One unit of work; throwing is fine, the next tick tries again. */
  protected abstract pass(): Promise<void>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now; a call while one runs returns that pass instead of starting another. */
  tick(): Promise<void> {
    if (this.running || this.stopping) return this.running ?? Promise.resolve();
    this.running = this.pass()
      .catch((error: unknown) => {
        this.metrics?.countJobFailure(this.constructor.name);
        this.logger.warn({ err: error }, 'Job pass failed; the next tick tries again');
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** True once shutdown began: long passes check it between steps and stop early. */
  protected get isStopping(): boolean {
    return this.stopping;
  }
}
