import { randomInt } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { type Counter, Gauge } from 'prom-client';

import { SecretBox } from '../common/crypto/secret-box.js';
import { IntervalJob } from '../common/jobs/interval-job.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../health/metrics.service.js';
import {
  type AttemptResult,
  type ClaimedDelivery,
  type DueEndpoint,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository.js';
import { WebhookPoster } from './webhook-poster.js';
import { signatureOf } from './webhook-signature.js';

const FAN_OUT_BATCH = 2000;
/** A lease outlives the requests of its batch by this much before another instance may take the deliveries. */
const LEASE_MARGIN_SECONDS = 30;
/**
 * A loop leases this many times the concurrency at once, so the bookkeeping (one claim, one
 * set-based record) is shared by many requests; at most `concurrency` of them are in flight.
 */
const BATCH_ROUNDS = 8;

/**
 * Delivers event webhooks. Every instance runs it: each tick fans new outbox events out into
 * deliveries, then runs one loop per endpoint with due deliveries, which leases a batch of them
 * (oldest first), posts them WEBHOOK_DELIVERY_CONCURRENCY at a time, records the batch set-based
 * and goes on while work remains. A receiver that hangs holds up only its own loop, each request
 * for at most the timeout. On shutdown no new pass or batch starts and the running ones are awaited.
 */
@Injectable()
export class WebhookDeliveryJob extends IntervalJob {
  protected readonly intervalMs: number;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly outcomes: Counter<'endpoint_id' | 'outcome'>;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly poster: WebhookPoster,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    super();
    this.intervalMs = config.eventWebhooks.intervalMs;
    this.outcomes = metrics.counter(
      'switchboard_event_webhook_deliveries_total',
      'Event webhook delivery attempts by endpoint and outcome (succeeded, retry, failed: given up)',
      ['endpoint_id', 'outcome'] as const,
    );
    new Gauge({
      name: 'switchboard_event_webhook_outbox_lag_seconds',
      help: 'How long the oldest event not yet delivered (and due) has been waiting',
      registers: [metrics.registry],
      collect: async function (this: Gauge) {
        this.set(await deliveries.lagSeconds().catch(() => 0));
      },
    });
  }

  /** No new pass or batch starts; the running pass and every endpoint's loop are awaited. */
  override async beforeApplicationShutdown(): Promise<void> {
    await super.beforeApplicationShutdown();
    await Promise.all(this.loops.values());
  }

  /** Fans out new events, then starts a loop for every endpoint with due work that has none running here. */
  protected async pass(): Promise<void> {
    while (!this.isStopping && (await this.deliveries.fanOut(FAN_OUT_BATCH)) === FAN_OUT_BATCH);
    if (this.isStopping) return;
    for (const endpoint of await this.deliveries.dueEndpoints()) {
      if (this.loops.has(endpoint.id)) continue;
      const loop = this.deliverTo(endpoint).finally(() => this.loops.delete(endpoint.id));
      this.loops.set(endpoint.id, loop);
    }
  }

  private async deliverTo(endpoint: DueEndpoint): Promise<void> {
    const { concurrency, timeoutMs } = this.config.eventWebhooks;
    const batch = concurrency * BATCH_ROUNDS;
    const leaseSeconds = Math.ceil((BATCH_ROUNDS * timeoutMs) / 1000) + LEASE_MARGIN_SECONDS;
    try {
      const secret = this.secrets.open(endpoint.secret_sealed);
      while (!this.isStopping) {
        const claimed = await this.deliveries.claim(endpoint.id, batch, leaseSeconds);
        if (claimed.length === 0) return;
        // On shutdown, requests not yet started are handed back at once rather than left leased.
        const outcomes = await mapConcurrently(
          claimed,
          concurrency,
          (delivery) => this.attempt(endpoint, secret, delivery),
          () => this.isStopping,
        );
        const results = outcomes.filter((result): result is AttemptResult => result !== undefined);
        const unstarted = claimed.filter((_, index) => outcomes[index] === undefined);
        if (unstarted.length > 0) await this.deliveries.release(unstarted.map((delivery) => delivery.id));
        const recorded = await this.deliveries.record(endpoint.id, results);
        for (const row of recorded) {
          const outcome = row.status === 'pending' ? 'retry' : row.status;
          this.outcomes.inc({ endpoint_id: endpoint.id, outcome });
        }
        // A batch with failures waits for its backoff; go on only while the endpoint answers.
        if (results.every((result) => !result.succeeded)) return;
      }
    } catch (error) {
      this.logger.warn(
        { endpointId: endpoint.id, err: error },
        'Event webhook deliveries failed; leased ones are retried after their lease',
      );
    }
  }

  private async attempt(
    endpoint: DueEndpoint,
    secret: string,
    delivery: ClaimedDelivery,
  ): Promise<AttemptResult> {
    const body = JSON.stringify({
      type: delivery.type,
      timestamp: delivery.event_created_at.toISOString(),
      data: delivery.data,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const outcome = await this.poster.post(
      endpoint.url,
      {
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureOf(secret, delivery.event_id, timestamp, body),
      },
      body,
    );
    return { deliveryId: delivery.id, ...outcome, jitter: 0.5 + randomInt(0, 500) / 1000 };
  }
}

/**
 * `work` over `items` with at most `limit` running at once, results in input order; once `stop()`
 * is true no more items start, and theirs stay undefined.
 */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
  stop: () => boolean,
): Promise<Array<R | undefined>> {
  const results = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
