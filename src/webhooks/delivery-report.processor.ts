import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DeliveryStatusService, type AppliedStatus } from '../conversations/delivery-status.service.js';
import type { DeliveryStatusEvent } from '../conversations/strongest-reports.js';
import { MAX_BACKOFF_SECONDS, retryPolicySql } from './webhook-retry-policy.js';

/** A report about a message we do not know is retried this often (it may race our own send), then dropped. */
const MAX_ATTEMPTS_UNKNOWN_MESSAGE = 6;
const MAX_ATTEMPTS = 20;
const UNKNOWN_MESSAGE = 'No message matches this delivery report';

interface ClaimedReport {
  id: string;
  channel_id: string;
  payload: DeliveryStatusEvent;
}

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

  /** Stored reports whose next attempt is due (failed earlier, or their receiver never got to them). */
  async due(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM webhook_events
        WHERE processed_at IS NULL AND next_attempt_at <= now() AND type = 'delivery-status'
        ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  private async applyBatch(ids: readonly string[], options: ClaimOptions): Promise<void> {
    const changes = await this.dataSource.transaction(async (manager): Promise<AppliedStatus[]> => {
      const claimed = await this.claim(manager, ids, options);
      if (claimed.length === 0) return [];
      const reports = claimed.map((row) => ({ channelId: row.channel_id, event: row.payload }));
      const outcome = await this.deliveryStatus.applyReports(manager, reports);
      await this.recordOutcomes(
        manager,
        claimed.map((row) => row.id),
        outcome.known,
      );
      await this.deliveryStatus.publish(manager, outcome.changes);
      return outcome.changes;
    });
    this.deliveryStatus.countCommitted(changes);
  }

  private claim(
    manager: EntityManager,
    ids: readonly string[],
    options: ClaimOptions,
  ): Promise<ClaimedReport[]> {
    return manager.query<ClaimedReport[]>(
      `SELECT id, channel_id, payload FROM webhook_events
        WHERE id = ANY($1::uuid[]) AND processed_at IS NULL AND type = 'delivery-status'
          AND ($2 = false OR next_attempt_at <= now())
        ORDER BY received_at, id
        FOR UPDATE SKIP LOCKED`,
      [ids, options.dueOnly],
    );
  }

  /** Known messages: done. Unknown: tried again later with backoff, and given up after a few attempts. */
  private async recordOutcomes(manager: EntityManager, ids: string[], known: boolean[]): Promise<void> {
    await manager.query(
      `UPDATE webhook_events e
          SET attempts = e.attempts + 1,
              processed_at = CASE WHEN o.known OR e.attempts + 1 >= $3 THEN now() END,
              last_error = CASE WHEN o.known THEN NULL WHEN e.attempts + 1 >= $3 THEN 'gave up: ' || $4 ELSE $4 END,
              next_attempt_at = CASE WHEN o.known THEN e.next_attempt_at ELSE ${retryPolicySql('e.attempts', '$5')} END
         FROM unnest($1::uuid[], $2::boolean[]) AS o(id, known)
        WHERE e.id = o.id`,
      [ids, known, MAX_ATTEMPTS_UNKNOWN_MESSAGE, UNKNOWN_MESSAGE, MAX_BACKOFF_SECONDS],
    );
  }

  private async recordFailure(id: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ eventId: id, err: error }, `Delivery report failed: ${message}`);
    await this.dataSource
      .query(
        `UPDATE webhook_events e
            SET attempts = e.attempts + 1,
                processed_at = CASE WHEN e.attempts + 1 >= $2 THEN now() END,
                last_error = CASE WHEN e.attempts + 1 >= $2 THEN 'gave up: ' || $3 ELSE $3 END,
                next_attempt_at = ${retryPolicySql('e.attempts', '$4')}
          WHERE e.id = $1 AND e.processed_at IS NULL`,
        [id, MAX_ATTEMPTS, message, MAX_BACKOFF_SECONDS],
      )
      .catch((recordError: unknown) =>
        this.logger.warn(
          { eventId: id, err: recordError },
          'Could not record the failure; the retry job will pick the event up',
        ),
      );
  }
}
