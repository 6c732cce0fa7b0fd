import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { queryRows } from '../database/query-rows.js';

/** A delivery this instance holds under a lease while it posts it. */
export interface ClaimedDelivery {
  id: string;
  event_id: string;
  attempts: number;
  type: string;
  data: unknown;
  event_created_at: Date;
}

export interface DueEndpoint {
  id: string;
  url: string;
  secret_sealed: string;
}

export interface AttemptResult {
  deliveryId: string;
  succeeded: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** Factor in [0.5, 1) applied to the backoff, so failed deliveries do not retry in lockstep. */
  jitter: number;
}

export interface RecordedAttempt {
  delivery_id: string;
  status: 'pending' | 'succeeded' | 'failed';
}

export interface AttemptRow {
  id: string;
  delivery_id: string;
  event_id: string;
  type: string;
  attempt: number;
  status: 'succeeded' | 'failed' | 'pending';
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  at: Date;
  next_attempt_at: Date | null;
}

/** Retries stop once a delivery is this old (so they last at least this long). */
const GIVE_UP_AFTER = `interval '24 hours'`;
/** An endpoint failing without a single success for this long is disabled. */
const DISABLE_AFTER = `interval '24 hours'`;
const FIRST_BACKOFF_SECONDS = 5;
const MAX_BACKOFF_SECONDS = 3600;

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Turns the oldest events not yet fanned out into one delivery per enabled endpoint subscribed to
   * their type, in one statement; instances running it together take disjoint events.
   */
  async fanOut(limit: number): Promise<number> {
    const [row] = await queryRows<{ events: number }>(
      this.db,
      `WITH batch AS (
         SELECT id, seq, type FROM outbound_events WHERE fanned_out_at IS NULL
          ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
       ), marked AS (
         UPDATE outbound_events o SET fanned_out_at = now() FROM batch b WHERE o.id = b.id RETURNING o.id
       ), fanned AS (
         INSERT INTO webhook_deliveries (endpoint_id, event_id, event_seq)
         SELECT e.id, b.id, b.seq FROM batch b
           JOIN webhook_endpoints e ON e.enabled AND e.events && ARRAY[b.type, '*']::text[]
         ON CONFLICT (endpoint_id, event_id) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM marked)::int AS events, (SELECT count(*) FROM fanned)::int AS deliveries`,
      [limit],
    );
    return row.events;
  }

  dueEndpoints(): Promise<DueEndpoint[]> {
    return queryRows<DueEndpoint>(
      this.db,
      `SELECT e.id, e.url, e.secret_sealed FROM webhook_endpoints e
        WHERE e.enabled AND EXISTS (
          SELECT 1 FROM webhook_deliveries d
           WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now()
             AND (d.leased_until IS NULL OR d.leased_until < now()))`,
    );
  }

  /**
   * Leases up to `limit` due deliveries of one endpoint, oldest event first, and counts the attempt.
   * A lease outlives the request timeout; if this instance dies, another takes the delivery after it.
   */
  claim(endpointId: string, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return queryRows<ClaimedDelivery>(
      this.db,
      `WITH picked AS (
         SELECT d.id FROM webhook_deliveries d
          WHERE d.endpoint_id = $1 AND d.status = 'pending' AND d.next_attempt_at <= now()
            AND (d.leased_until IS NULL OR d.leased_until < now())
          ORDER BY d.next_attempt_at, d.event_seq LIMIT $2
          FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d
          SET leased_until = now() + make_interval(secs => $3), attempts = d.attempts + 1
         FROM picked p, outbound_events o
        WHERE d.id = p.id AND o.id = d.event_id
       RETURNING d.id, d.event_id, d.attempts, o.type, o.data, o.created_at AS event_created_at`,
      [endpointId, limit, leaseSeconds],
    );
  }

  /** Hands back leased deliveries that were not attempted (shutdown), uncounted. */
  async release(ids: readonly string[]): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET leased_until = NULL, attempts = attempts - 1
        WHERE id = ANY($1::uuid[]) AND leased_until IS NOT NULL`,
      [ids],
    );
  }

  /**
   * Records a batch of attempts on one endpoint with set-based statements: each delivery succeeds,
   * is retried with exponential backoff and jitter, or gives up once it is a day old; the endpoint's
   * run of failures is reset by any success, and after a day of nothing but failures it is disabled.
   */
  async record(endpointId: string, results: readonly AttemptResult[]): Promise<RecordedAttempt[]> {
    if (results.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const recorded = await queryRows<RecordedAttempt>(
        tx,
        `WITH r AS (
           SELECT * FROM unnest($1::uuid[], $2::boolean[], $3::int[], $4::text[], $5::text[], $6::int[], $7::float8[])
             AS r(id, succeeded, response_status, response_body, error, duration_ms, jitter)
         ), updated AS (
           UPDATE webhook_deliveries d
              SET status = CASE WHEN r.succeeded THEN 'succeeded'
                                WHEN d.created_at < now() - ${GIVE_UP_AFTER} THEN 'failed'
                                ELSE 'pending' END,
                  next_attempt_at = CASE WHEN r.succeeded THEN d.next_attempt_at
                    ELSE now() + make_interval(secs => least($8 * power(2, greatest(d.attempts - 1, 0)), $9) * r.jitter) END,
                  leased_until = NULL
             FROM r WHERE d.id = r.id
           RETURNING d.id, d.endpoint_id, d.attempts, d.status
         ), attempts AS (
           INSERT INTO webhook_delivery_attempts
             (delivery_id, endpoint_id, attempt, succeeded, response_status, response_body, error, duration_ms)
           SELECT u.id, u.endpoint_id, u.attempts, r.succeeded, r.response_status, r.response_body, r.error, r.duration_ms
             FROM updated u JOIN r ON r.id = u.id
         )
         SELECT id AS delivery_id, status FROM updated`,
        [
          results.map((result) => result.deliveryId),
          results.map((result) => result.succeeded),
          results.map((result) => result.responseStatus),
          results.map((result) => result.responseBody),
          results.map((result) => result.error),
          results.map((result) => result.durationMs),
          results.map((result) => result.jitter),
          FIRST_BACKOFF_SECONDS,
          MAX_BACKOFF_SECONDS,
        ],
      );
      const anySuccess = results.some((result) => result.succeeded);
      const lastError = results.at(-1)?.error ?? `HTTP ${results.at(-1)?.responseStatus ?? '?'}`;
      await tx.query(
        `UPDATE webhook_endpoints
            SET failing_since = CASE WHEN $2 THEN NULL ELSE coalesce(failing_since, now()) END,
                enabled = CASE WHEN NOT $2 AND failing_since < now() - ${DISABLE_AFTER} THEN false ELSE enabled END,
                disabled_reason = CASE WHEN NOT $2 AND failing_since < now() - ${DISABLE_AFTER}
                  THEN 'Every delivery failed for 24 hours; last error: ' || $3 ELSE disabled_reason END,
                updated_at = CASE WHEN NOT $2 AND failing_since < now() - ${DISABLE_AFTER} THEN now() ELSE updated_at END
          WHERE id = $1 AND (failing_since IS NOT NULL OR NOT $2)`,
        [endpointId, anySuccess, lastError],
      );
      return recorded;
    });
  }

  /**
   * Attempts, newest first, and deliveries still waiting for their first attempt. Each side is
   * ordered and cut to a page before they are merged, so the attempts come from a backward walk of
   * `webhook_delivery_attempts_endpoint_idx` rather than from joining and sorting every attempt
   * the endpoint ever had.
   */
  listAttempts(endpointId: string, limit: number, after?: { at: string; id: string }): Promise<AttemptRow[]> {
    const before = (at: string, id: string) =>
      `($3::timestamptz IS NULL OR (${at}, ${id}) < ($3::timestamptz, $4::uuid))`;
    return queryRows<AttemptRow>(
      this.db,
      `SELECT * FROM (
         (SELECT a.id, a.delivery_id, d.event_id, o.type, a.attempt,
                 CASE WHEN a.succeeded THEN 'succeeded' ELSE 'failed' END AS status,
                 a.response_status, a.response_body, a.error, a.at,
                 CASE WHEN d.status = 'pending' AND a.attempt = d.attempts THEN d.next_attempt_at END AS next_attempt_at
            FROM webhook_delivery_attempts a
            JOIN webhook_deliveries d ON d.id = a.delivery_id
            JOIN outbound_events o ON o.id = d.event_id
           WHERE a.endpoint_id = $1 AND ${before('a.at', 'a.id')}
           ORDER BY a.at DESC, a.id DESC LIMIT $2)
         UNION ALL
         (SELECT d.id, d.id, d.event_id, o.type, greatest(d.attempts, 1), 'pending', NULL, NULL, NULL, d.created_at, d.next_attempt_at
            FROM webhook_deliveries d JOIN outbound_events o ON o.id = d.event_id
           WHERE d.endpoint_id = $1 AND d.status = 'pending' AND ${before('d.created_at', 'd.id')}
             AND NOT EXISTS (SELECT 1 FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id)
           ORDER BY d.created_at DESC, d.id DESC LIMIT $2)
       ) x
       ORDER BY x.at DESC, x.id DESC LIMIT $2`,
      [endpointId, limit + 1, after?.at ?? null, after?.id ?? null],
    );
  }

  /** Makes a delivery due now; answers its status before, or undefined when it is not the endpoint's. */
  async retryNow(endpointId: string, deliveryId: string): Promise<string | undefined> {
    const rows = await queryRows<{ previous: string }>(
      this.db,
      `WITH before AS (
         SELECT id, status FROM webhook_deliveries WHERE id = $2 AND endpoint_id = $1 FOR UPDATE
       )
       UPDATE webhook_deliveries d
          SET status = CASE WHEN b.status = 'succeeded' THEN d.status ELSE 'pending' END,
              next_attempt_at = CASE WHEN b.status = 'succeeded' THEN d.next_attempt_at ELSE now() END
         FROM before b WHERE d.id = b.id
       RETURNING b.status AS previous`,
      [endpointId, deliveryId],
    );
    return rows[0]?.previous;
  }

  /**
   * Seconds the oldest undelivered event has been waiting: not yet fanned out, or due and not yet
   * delivered to an enabled endpoint. 0 when nothing waits.
   */
  async lagSeconds(): Promise<number> {
    const [row] = await queryRows<{ lag: number | null }>(
      this.db,
      `SELECT extract(epoch FROM now() - least(
          (SELECT min(created_at) FROM outbound_events WHERE fanned_out_at IS NULL),
          (SELECT min(d.next_attempt_at) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
            WHERE d.status = 'pending' AND e.enabled AND d.next_attempt_at <= now())))::float8 AS lag`,
    );
    return Math.max(0, row.lag ?? 0);
  }
}
