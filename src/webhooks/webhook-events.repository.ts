import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import type { ProviderKind, WebhookEvent } from '../channels/providers/channel-provider.interface.js';
import { deleteInBatches } from '../common/jobs/delete-in-batches.js';
import type { DeliveryStatusEvent } from '../conversations/strongest-reports.js';
import { queryRows } from '../database/query-rows.js';
import { MAX_BACKOFF_SECONDS, retryPolicySql } from './webhook-retry-policy.js';

export type StorableEvent = Exclude<WebhookEvent, { type: 'ignored' }>;
/** Events applied before the provider gets its answer: inbound messages and consent changes. */
export type InlineEvent = Exclude<StorableEvent, { type: 'delivery-status' }>;

/** An event to store, with the provider and channel whose webhook brought it. */
export interface NewWebhookEvent {
  provider: ProviderKind;
  channelId: string;
  event: StorableEvent;
}

/** A row the insert created: an event not seen before. */
export interface InsertedEventRow {
  id: string;
  type: StorableEvent['type'];
  provider: ProviderKind;
  dedup_key: string;
}

/** An inline event taken for one attempt; `attempts` counts this one. */
export interface ClaimedInlineEvent {
  id: string;
  channel_id: string;
  attempts: number;
  payload: InlineEvent;
}

export interface ClaimedDeliveryReport {
  id: string;
  channel_id: string;
  payload: DeliveryStatusEvent;
}

/** Where a delivery report that matched no message stands after this attempt. */
export interface UnknownMessagePolicy {
  /** Attempts after which such a report is given up. */
  maxAttempts: number;
  error: string;
}

/**
 * A new event is processed by the request that received it; the retry job only takes it over if
 * that has not happened after this long (the receiving instance crashed or processing failed).
 */
const RECEIVER_LEASE_SECONDS = 30;

/**
 * The `webhook_events` table: the durable inbox of provider events. Every statement on it lives here;
 * events are keyed on the provider's de-duplication key, so a redelivered event is never stored twice.
 */
@Injectable()
export class WebhookEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One INSERT for all the events; returns the rows it created (a known key creates none). The batch
   * travels as one JSON document: as array parameters each payload was escaped a second time into an
   * array literal, which node-postgres builds by string concatenation.
   */
  insertNew(events: readonly NewWebhookEvent[]): Promise<InsertedEventRow[]> {
    return this.dataSource.query<InsertedEventRow[]>(
      `INSERT INTO webhook_events (provider, channel_id, dedup_key, type, payload, next_attempt_at)
       SELECT e.provider, e.channel_id, e.dedup_key, e.type, e.payload, now() + make_interval(secs => ${RECEIVER_LEASE_SECONDS})
         FROM json_to_recordset($1::json) AS e(provider text, channel_id uuid, dedup_key text, type text, payload jsonb)
       ON CONFLICT (provider, dedup_key) DO NOTHING
       RETURNING id, type, provider, dedup_key`,
      [
        JSON.stringify(
          events.map((row) => ({
            provider: row.provider,
            channel_id: row.channelId,
            dedup_key: row.event.dedupKey,
            type: row.event.type,
            payload: row.event,
          })),
        ),
      ],
    );
  }

  /** Inline events due for a (re)try: never processed, and not held by another attempt. */
  dueInline(limit: number): Promise<string[]> {
    return this.dueIds(`type <> 'delivery-status'`, limit);
  }

  /** Delivery reports whose next attempt is due (failed earlier, or their receiver never got to them). */
  dueDeliveryReports(limit: number): Promise<string[]> {
    return this.dueIds(`type = 'delivery-status'`, limit);
  }

  /**
   * Takes one inline event for an attempt: counts it and pushes its next attempt out (a lease), so
   * another instance does not work on it meanwhile. Undefined when it is processed or held elsewhere.
   */
  async claimInline(id: string): Promise<ClaimedInlineEvent | undefined> {
    const [row] = await queryRows<ClaimedInlineEvent>(
      this.dataSource,
      `UPDATE webhook_events
          SET attempts = attempts + 1,
              next_attempt_at = ${retryPolicySql('attempts', '$2')}
        WHERE id = $1 AND processed_at IS NULL AND type <> 'delivery-status' AND (attempts = 0 OR next_attempt_at <= now())
        RETURNING id, channel_id, attempts, payload`,
      [id, MAX_BACKOFF_SECONDS],
    );
    return row;
  }

  async markProcessed(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_events SET processed_at = now(), last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  /** Records why an inline attempt failed; a given-up event is closed, the others wait for their retry. */
  async recordInlineFailure(id: string, error: string, givingUp: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_events SET last_error = $2, processed_at = CASE WHEN $3 THEN now() ELSE NULL END WHERE id = $1`,
      [id, givingUp ? `gave up: ${error}` : error, givingUp],
    );
  }

  /**
   * Locks the unprocessed delivery reports among `ids` in the caller's transaction, skipping those
   * another instance holds, oldest first. `dueOnly` leaves fresh events to their receiver.
   */
  claimDeliveryReports(
    tx: EntityManager,
    ids: readonly string[],
    dueOnly: boolean,
  ): Promise<ClaimedDeliveryReport[]> {
    return tx.query<ClaimedDeliveryReport[]>(
      `SELECT id, channel_id, payload FROM webhook_events
        WHERE id = ANY($1::uuid[]) AND processed_at IS NULL AND type = 'delivery-status'
          AND ($2 = false OR next_attempt_at <= now())
        ORDER BY received_at, id
        FOR UPDATE SKIP LOCKED`,
      [ids, dueOnly],
    );
  }

  /** One statement for a batch: reports about known messages are done, the others back off and are given up in the end. */
  async recordDeliveryReportOutcomes(
    tx: EntityManager,
    ids: readonly string[],
    known: readonly boolean[],
    unknown: UnknownMessagePolicy,
  ): Promise<void> {
    await tx.query(
      `UPDATE webhook_events e
          SET attempts = e.attempts + 1,
              processed_at = CASE WHEN o.known OR e.attempts + 1 >= $3 THEN now() END,
              last_error = CASE WHEN o.known THEN NULL WHEN e.attempts + 1 >= $3 THEN 'gave up: ' || $4 ELSE $4 END,
              next_attempt_at = CASE WHEN o.known THEN e.next_attempt_at ELSE ${retryPolicySql('e.attempts', '$5')} END
         FROM unnest($1::uuid[], $2::boolean[]) AS o(id, known)
        WHERE e.id = o.id`,
      [ids, known, unknown.maxAttempts, unknown.error, MAX_BACKOFF_SECONDS],
    );
  }

  /** Counts a failed attempt at an unprocessed delivery report and schedules the next, or gives up after `maxAttempts`. */
  async recordDeliveryReportFailure(id: string, error: string, maxAttempts: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_events e
          SET attempts = e.attempts + 1,
              processed_at = CASE WHEN e.attempts + 1 >= $2 THEN now() END,
              last_error = CASE WHEN e.attempts + 1 >= $2 THEN 'gave up: ' || $3 ELSE $3 END,
              next_attempt_at = ${retryPolicySql('e.attempts', '$4')}
        WHERE e.id = $1 AND e.processed_at IS NULL`,
      [id, maxAttempts, error, MAX_BACKOFF_SECONDS],
    );
  }

  /**
   * Deletes events processed more than `days` ago, in batches, until done or `stop()`; unprocessed
   * events are never deleted. `received_at` is in the condition for its BRIN index.
   */
  deleteProcessedBefore(days: number, stop: () => boolean): Promise<number> {
    return deleteInBatches(
      this.dataSource,
      {
        table: 'webhook_events',
        key: 'id',
        where: `received_at < now() - make_interval(days => $1) AND processed_at < now() - make_interval(days => $1)`,
        params: [days],
      },
      stop,
    );
  }

  private async dueIds(typeCondition: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM webhook_events
        WHERE processed_at IS NULL AND next_attempt_at <= now() AND ${typeCondition}
        ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }
}
