import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { deleteInBatches } from '../common/jobs/delete-in-batches.js';
import { IntervalJob } from '../common/jobs/interval-job.js';
import { AppConfig } from '../config/app-config.js';

const EVERY_TEN_MINUTES = 10 * 60_000;

/**
 * Deletes provider webhook events processed more than WEBHOOK_EVENTS_RETENTION_DAYS ago. Until then
 * they deduplicate provider retries and show what arrived; a provider retrying after the retention
 * would be processed again, which no provider does (Sinch and Plivo retry for hours, not days).
 * Unprocessed events are never deleted. `received_at` is in the condition for its BRIN index.
 */
@Injectable()
export class WebhookEventsRetentionJob extends IntervalJob {
  protected readonly intervalMs = EVERY_TEN_MINUTES;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected async pass(): Promise<void> {
    const deleted = await deleteInBatches(
      this.dataSource,
      {
        table: 'webhook_events',
        key: 'id',
        where: `received_at < now() - make_interval(days => $1) AND processed_at < now() - make_interval(days => $1)`,
        params: [this.config.webhookEventsRetentionDays],
      },
      () => this.isStopping,
    );
    if (deleted > 0) this.logger.log({ deleted }, 'Deleted processed webhook events past retention');
  }
}
