import { Injectable } from '@nestjs/common';

import { IntervalJob } from '../common/jobs/interval-job.js';
import { InboxEventLog } from './inbox-event-log.js';

/** The contract promises 15 minutes of replay; an hour covers a laptop closed over lunch. */
const KEPT_MINUTES = 60;

/** Deletes inbox events older than the replay window, on any instance. */
@Injectable()
export class InboxEventsRetentionJob extends IntervalJob {
  protected readonly intervalMs = 60_000;

  constructor(private readonly log: InboxEventLog) {
    super();
  }

  protected async pass(): Promise<void> {
    await this.log.deleteOlderThan(KEPT_MINUTES, () => this.isStopping);
  }
}
