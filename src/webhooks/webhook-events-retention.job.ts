import { Injectable } from '@nestjs/common';

import { IntervalJob } from '../common/jobs/interval-job.js';
import { AppConfig } from '../config/app-config.js';
import { WebhookEventsRepository } from './webhook-events.repository.js';

const EVERY_TEN_MINUTES = 10 * 60_000;

/**
 * Deletes provider webhook events processed more than WEBHOOK_EVENTS_RETENTION_DAYS ago. Until then
 * they deduplicate provider retries and show what arrived; a provider retrying after the retention
 * would be processed again, which no provider does (Sinch and Plivo retry for hours, not days).
 * Unprocessed events are never deleted.
 */
@Injectable()
export class WebhookEventsRetentionJob extends IntervalJob {
  protected readonly intervalMs = EVERY_TEN_MINUTES;

  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected async pass(): Promise<void> {
    const deleted = await this.events.deleteProcessedBefore(
      this.config.webhookEventsRetentionDays,
      () => this.isStopping,
    );
    if (deleted > 0) this.logger.log({ deleted }, 'Deleted processed webhook events past retention');
  }
}
