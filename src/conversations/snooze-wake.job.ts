import { Injectable } from '@nestjs/common';

import { IntervalJob } from '../common/jobs/interval-job.js';
import { AppConfig } from '../config/app-config.js';
import { ConversationsService } from './conversations.service.js';

/** Reopens snoozed conversations whose `snoozedUntil` has passed, every SNOOZE_WAKE_INTERVAL_MS. */
@Injectable()
export class SnoozeWakeJob extends IntervalJob {
  protected readonly intervalMs: number;

  constructor(
    config: AppConfig,
    private readonly conversations: ConversationsService,
  ) {
    super();
    this.intervalMs = config.snoozeWakeIntervalMs;
  }

  protected async pass(): Promise<void> {
    await this.conversations.wakeDueSnoozes();
  }
}
