import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryStatusService, type AppliedStatus } from '../conversations/delivery-status.service.js';
import { WebhookEventsRepository } from './webhook-events.repository.js';

/** A report about a message we do not know is retried this often (it may race our own send), then dropped. */
const MAX_ATTEMPTS_UNKNOWN_MESSAGE = 6;
const MAX_ATTEMPTS = 20;
const UNKNOWN_MESSAGE = {
  maxAttempts: MAX_ATTEMPTS_UNKNOWN_MESSAGE,
  error: 'No message matches this delivery report',
};

export interface ClaimOptions {
  /** Only events whose next attempt is due: the retry job's view, which leaves fresh events to their receiver. */
  dueOnly: boolean;
}

/**
 * Applies stored delivery reports set-based. One transaction claims the events (FOR UPDATE SKIP
 * LOCKED, so instances never apply one twice), applies all their status changes with one statement,
 * and records every event's outcome with one more; the live inbox hears of the changes after commit.
 * A batch that fails is retried event by event, so one bad event cannot hold the others back.
 */
@Injectable()
export class DeliveryReportProcessor {
  private readonly logger = new Logger(DeliveryReportProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inbox: WebhookEventsRepository,
    private readonly deliveryStatus: DeliveryStatusService,
  ) {}

  async process(ids: readonly string[], options: ClaimOptions = { dueOnly: false }): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.applyBatch(ids, options);
    } catch (error) {
      if (ids.length === 1) {
        await this.recordFailure(ids[0], error);
        return;
      }
      this.logger.warn(
        { err: error, events: ids.length },
        'Delivery report batch failed; retrying its events one by one',
      );
      for (const id of ids) await this.process([id], options);
    }
  }

  private async applyBatch(ids: readonly string[], options: ClaimOptions): Promise<void> {
    const changes = await this.dataSource.transaction(async (manager): Promise<AppliedStatus[]> => {
      const claimed = await this.inbox.claimDeliveryReports(manager, ids, options.dueOnly);
      if (claimed.length === 0) return [];
      const reports = claimed.map((row) => ({ channelId: row.channel_id, event: row.payload }));
      const outcome = await this.deliveryStatus.applyReports(manager, reports);
      await this.inbox.recordDeliveryReportOutcomes(
        manager,
        claimed.map((row) => row.id),
        outcome.known,
        UNKNOWN_MESSAGE,
      );
      await this.deliveryStatus.publish(manager, outcome.changes);
      return outcome.changes;
    });
    this.deliveryStatus.countCommitted(changes);
  }

  private async recordFailure(id: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ eventId: id, err: error }, `Delivery report failed: ${message}`);
    await this.inbox
      .recordDeliveryReportFailure(id, message, MAX_ATTEMPTS)
      .catch((recordError: unknown) =>
        this.logger.warn(
          { eventId: id, err: recordError },
          'Could not record the failure; the retry job will pick the event up',
        ),
      );
  }
}
