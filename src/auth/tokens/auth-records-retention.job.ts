import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { deleteInBatches } from '../../common/jobs/delete-in-batches.js';
import { IntervalJob } from '../../common/jobs/interval-job.js';

const EVERY_TEN_MINUTES = 10 * 60_000;

/**
 * Keeps the auth tables bounded. Refresh tokens go once expired or revoked: either way they are refused
 * exactly as an unknown token is. A spent token stays until it expires, because presenting it again
 * is how a stolen token is detected (its whole family is then revoked). Login-throttle counters go
 * once neither their window nor their block is running.
 */
@Injectable()
export class AuthRecordsRetentionJob extends IntervalJob {
  protected readonly intervalMs = EVERY_TEN_MINUTES;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  protected async pass(): Promise<void> {
    const stop = () => this.isStopping;
    const tokens = await deleteInBatches(
      this.dataSource,
      { table: 'refresh_tokens', key: 'id', where: `expires_at < now() OR revoked_at IS NOT NULL` },
      stop,
    );
    const counters = await deleteInBatches(
      this.dataSource,
      {
        table: 'throttle_counters',
        key: 'key',
        where: `window_ends_at < now() AND (blocked_until IS NULL OR blocked_until < now())`,
      },
      stop,
    );
    if (tokens + counters > 0)
      this.logger.log({ refreshTokens: tokens, throttleCounters: counters }, 'Deleted spent auth records');
  }
}
