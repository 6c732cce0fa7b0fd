import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { deleteInBatches } from '../common/jobs/delete-in-batches.js';
import { IntervalJob } from '../common/jobs/interval-job.js';

/** The contract promises 15 minutes of replay; an hour covers a laptop closed over lunch. */
const KEPT_MINUTES = 60;

/** Deletes inbox events older than the replay window, on any instance. */
@Injectable()
export class InboxEventsRetentionJob extends IntervalJob {
  protected readonly intervalMs = 60_000;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  protected async pass(): Promise<void> {
    await deleteInBatches(
      this.dataSource,
      {
        table: 'inbox_events',
        key: 'id',
        where: `created_at < now() - make_interval(mins => $1)`,
        params: [KEPT_MINUTES],
      },
      () => this.isStopping,
    );
  }
}
