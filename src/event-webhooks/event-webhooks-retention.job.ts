import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { deleteInBatches } from '../common/jobs/delete-in-batches.js';
import { IntervalJob } from '../common/jobs/interval-job.js';
import { AppConfig } from '../config/app-config.js';

const EVERY_TEN_MINUTES = 10 * 60_000;

/**
 * Deletes outbox events older than EVENT_WEBHOOKS_RETENTION_DAYS once fanned out and with no
 * delivery still pending; their deliveries and recorded attempts go with them (ON DELETE CASCADE).
 * An event waiting for a disabled endpoint is kept until that endpoint is deleted or delivers it.
 */
@Injectable()
export class EventWebhooksRetentionJob extends IntervalJob {
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
        table: 'outbound_events',
        key: 'id',
        where: `created_at < now() - make_interval(days => $1) AND fanned_out_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                           WHERE d.event_id = outbound_events.id AND d.status = 'pending')`,
        params: [this.config.eventWebhooks.retentionDays],
      },
      () => this.isStopping,
    );
    if (deleted > 0) this.logger.log({ deleted }, 'Deleted event webhook events past retention');
  }
}
