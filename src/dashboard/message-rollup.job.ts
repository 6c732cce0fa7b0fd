import { Injectable } from '@nestjs/common';

import { IntervalJob } from '../common/jobs/interval-job.js';
import { DashboardRepository } from './dashboard.repository.js';

const EVERY_MINUTE = 60_000;

/**
 * Hours counted again on every pass: delivery reports move a message from sent to delivered (or
 * failed) minutes after it was created, so the last hours' counts are not final when first rolled.
 */
const RECOUNTED_HOURS = 3;

/** Rollup rows older than this are deleted: the dashboard looks one week back. */
const KEPT_DAYS = 8;

/**
 * Rolls `messages` up into `message_hourly_counts` (per hour of creation, channel, direction and
 * status) up to now, recounting the current hour and the few before it on each pass, so the
 * dashboard reads live only what was created since the last pass. A message that committed after a
 * pass with an earlier created_at is counted by the next one. One instance
 * at a time: the others skip the pass while the state row is locked.
 */
@Injectable()
export class MessageRollupJob extends IntervalJob {
  protected readonly intervalMs = EVERY_MINUTE;

  constructor(private readonly dashboard: DashboardRepository) {
    super();
  }

  protected async pass(): Promise<void> {
    await this.dashboard.rollUp(RECOUNTED_HOURS, KEPT_DAYS);
  }
}
