import { Injectable, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { MetricsService } from '../../health/metrics.service.js';
import { IntervalJob } from './interval-job.js';

/** A job whose passes fail while `failing` is set, and which can be held mid-pass. */
@Injectable()
class FlakyJob extends IntervalJob {
  protected readonly intervalMs = 60_000;
  failing = true;
  passes = 0;
  private held: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  hold(): void {
    this.held = new Promise<void>((resolve) => (this.release = resolve));
  }

  finish(): void {
    this.release?.();
  }

  protected async pass(): Promise<void> {
    this.passes += 1;
    await this.held;
    if (this.failing) throw new Error('database unreachable');
  }
}

const failuresOf = async (metrics: MetricsService, job: string): Promise<string | undefined> =>
  (await metrics.render())
    .split('\n')
    .find((line) => line.startsWith(`switchboard_job_failures_total{job="${job}"}`));

describe('IntervalJob', () => {
  let job: FlakyJob;
  let metrics: MetricsService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    const module = await Test.createTestingModule({ providers: [MetricsService, FlakyJob] }).compile();
    job = module.get(FlakyJob);
    metrics = module.get(MetricsService);
  });

  it('counts each failed pass by job, and not the passes that succeed', async () => {
    await job.tick();
    await job.tick();
    job.failing = false;
    await job.tick();

    expect(job.passes).toBe(3);
    expect(await failuresOf(metrics, 'FlakyJob')).toBe('switchboard_job_failures_total{job="FlakyJob"} 2');
  });

  it('never runs a pass while the previous one is still running', async () => {
    job.hold();
    const first = job.tick();
    const second = job.tick();
    job.finish();
    await Promise.all([first, second]);

    expect(job.passes).toBe(1);
  });

  it('waits for the running pass at shutdown and starts no other', async () => {
    job.failing = false;
    job.hold();
    const running = job.tick();
    let stopped = false;
    const stopping = job.beforeApplicationShutdown().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);

    job.finish();
    await Promise.all([running, stopping]);
    await job.tick();

    expect(stopped).toBe(true);
    expect(job.passes).toBe(1);
  });
});
