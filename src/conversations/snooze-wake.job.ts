import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { loggableError } from '../common/errors/all-exceptions.filter.js';
import { AppConfig } from '../config/app-config.js';
import { queryRows } from '../database/query-rows.js';
import { ConversationsService } from './conversations.service.js';

const INTERVAL_NAME = 'snooze-wake';

/**
 * Reopens snoozed conversations whose `snoozedUntil` has passed, every SNOOZE_WAKE_INTERVAL_MS.
 * One UPDATE both finds and reopens them, so with several instances each conversation is woken by
 * exactly one of them, and only that one announces it on the stream.
 */
@Injectable()
export class SnoozeWakeJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SnoozeWakeJob.name);
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly conversations: ConversationsService,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.tick(), this.config.snoozeWakeIntervalMs);
    this.scheduler.addInterval(INTERVAL_NAME, handle);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running;
  }

  /** One pass; a call while the previous one still runs waits for that one instead. */
  tick(): Promise<void> {
    if (this.running || this.stopping) return this.running ?? Promise.resolve();
    this.running = this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      const woken = await queryRows<{ id: string }>(
        this.dataSource,
        `UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = now()
          WHERE status = 'snoozed' AND snoozed_until <= now()
          RETURNING id`,
      );
      if (woken.length === 0) return;
      await this.conversations.publishUpdates(woken.map((row) => row.id));
    } catch (error) {
      this.logger.warn({ err: loggableError(error) }, 'Snooze wake-up pass failed');
    }
  }
}
