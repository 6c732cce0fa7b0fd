import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import type { ChannelContext, MessageContent, OutboundBatch, SendResult } from '../channels/providers/channel-provider.interface.js';
import { ProviderCredentialsError, ProviderRequestError, ProviderTransientError } from '../channels/providers/provider-errors.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { queryRows } from '../database/query-rows.js';
import { MetricsService } from '../health/metrics.service.js';
import type { TokenBucket } from './token-bucket.js';

/** A recipient is handed to the provider at most this many times before it is marked failed. */
export const MAX_CAMPAIGN_SEND_ATTEMPTS = 5;
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;
/** How long an instance may hold claimed rows beyond the time its rate limit needs to send them. */
const LEASE_BASE_SECONDS = 120;
/** Requests in flight at once: batch providers send big requests, per-recipient ones many small ones. */
const BATCH_CONCURRENCY = 4;
const PER_RECIPIENT_CONCURRENCY = 16;
const PER_RECIPIENT_CHUNK = 256;

export interface SendingCampaign {
  id: string;
  ratePerSecond: number | null;
}

interface ClaimedRow {
  id: string;
  recipient: string;
  content: MessageContent;
  client_reference: string;
  attempts: number;
  batch_reference: string | null;
}

export type ChunkOutcome = { claimed: number; credentialsError?: ProviderCredentialsError };

interface Final {
  id: string;
  status: 'sent' | 'failed' | 'rejected';
  providerMessageId?: string;
  providerBatchId?: string;
  reason?: string;
  errorCode?: string;
}

interface Retry {
  id: string;
  delayMs: number;
  reason: string;
}

/**
 * Claims a chunk of a campaign's queued rows, sends them through the channel's provider in requests
 * of its `maxRecipientsPerRequest` and records the results set-based. The rows are claimed with a
 * lease (`sending_until`) and, for batch providers, a `batch_reference` fixed before the request and
 * sent as its client reference, so a crash can be reconciled with the provider afterwards.
 */
@Injectable()
export class CampaignSender {
  private readonly logger = new Logger(CampaignSender.name);
  private readonly outcomes: Counter<'provider' | 'channel_id' | 'outcome'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProviderRegistry,
    metrics: MetricsService,
  ) {
    this.outcomes = new Counter({
      name: 'switchboard_campaign_messages_total',
      help: 'Campaign messages handed to providers, by provider, channel and outcome (sent, failed, rejected, retry)',
      labelNames: ['provider', 'channel_id', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  /**
   * `isActive` is asked before each request (cheaply: the caller caches it), so a pause or cancel
   * stops a chunk between requests rather than after it; unsent rows of the chunk go back untouched.
   */
  async sendChunk(
    campaign: SendingCampaign,
    channel: ChannelContext,
    bucket: TokenBucket | undefined,
    isActive: () => Promise<boolean>,
  ): Promise<ChunkOutcome> {
    const provider = this.providers.get(channel.provider);
    const perRequest = Math.max(1, Math.min(provider.maxRecipientsPerRequest, campaign.ratePerSecond ?? Number.POSITIVE_INFINITY));
    const batched = provider.maxRecipientsPerRequest > 1;
    const chunk = batched ? perRequest * (campaign.ratePerSecond ? 1 : BATCH_CONCURRENCY) : Math.min(PER_RECIPIENT_CHUNK, Math.max(PER_RECIPIENT_CONCURRENCY, (campaign.ratePerSecond ?? PER_RECIPIENT_CHUNK) * 10));
    const leaseSeconds = LEASE_BASE_SECONDS + Math.ceil(chunk / (campaign.ratePerSecond ?? Number.POSITIVE_INFINITY));

    const rows = await this.claim(campaign.id, chunk, leaseSeconds, batched ? perRequest : 0);
    if (rows.length === 0) return { claimed: 0 };

    const requests = batched ? groupByBatch(rows) : rows.map((row) => [row]);
    const finals: Final[] = [];
    const retries: Retry[] = [];
    const released: string[] = [];
    let credentialsError: ProviderCredentialsError | undefined;

    const sendOne = async (group: ClaimedRow[]): Promise<void> => {
      if (credentialsError || !(await isActive()) || (bucket && !(await bucket.take(group.length))) || !(await isActive())) {
        released.push(...group.map((r) => r.id));
        return;
      }
      const batch: OutboundBatch = {
        clientReference: group[0].batch_reference ?? group[0].client_reference,
        recipients: group.map((r) => ({ messageId: r.id, to: r.recipient, content: r.content })),
      };
      try {
        const results = await provider.send(channel, batch);
        finals.push(...results.map(finalOf));
      } catch (error) {
        if (error instanceof ProviderCredentialsError) {
          credentialsError = error;
          released.push(...group.map((r) => r.id));
        } else if (error instanceof ProviderTransientError) {
          for (const row of group) {
            if (row.attempts >= MAX_CAMPAIGN_SEND_ATTEMPTS) {
              finals.push({ id: row.id, status: 'failed', reason: `Provider unavailable after ${row.attempts} attempts: ${error.message}` });
            } else {
              const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (row.attempts - 1));
              retries.push({ id: row.id, delayMs: error.retryAfterMs ?? backoff, reason: `Retrying: ${error.message}` });
            }
          }
        } else if (error instanceof ProviderRequestError) {
          finals.push(...group.map((r): Final => ({ id: r.id, status: 'rejected', reason: error.message, errorCode: error.errorCode })));
        } else {
          this.logger.error({ err: error, campaignId: campaign.id }, 'Unexpected error while sending a campaign request');
          finals.push(...group.map((r): Final => ({ id: r.id, status: 'failed', reason: 'Internal error while sending' })));
        }
      }
    };

    await runConcurrently(requests, batched ? BATCH_CONCURRENCY : PER_RECIPIENT_CONCURRENCY, sendOne);
    await this.recordFinals(finals);
    await this.recordRetries(retries);
    await this.release(released);
    this.count(channel, finals, retries);
    return { claimed: rows.length, credentialsError };
  }

  /** Claims due queued rows and, for batch providers, fixes one batch reference per future request. */
  private claim(campaignId: string, limit: number, leaseSeconds: number, perRequest: number): Promise<ClaimedRow[]> {
    const prefix = `cmp_${campaignId.replaceAll('-', '').slice(0, 12)}_${randomBytes(6).toString('hex')}`;
    return queryRows<ClaimedRow>(
      this.dataSource,
      `WITH picked AS (
         SELECT id, row_number() OVER (ORDER BY id) AS rn FROM (
           SELECT id FROM messages
            WHERE campaign_id = $1 AND status = 'queued' AND sending_until IS NULL
              AND (next_attempt_at IS NULL OR next_attempt_at <= now())
            ORDER BY id
            LIMIT $2
            FOR UPDATE SKIP LOCKED) due)
       UPDATE messages m
          SET sending_until = now() + make_interval(secs => $3), attempts = m.attempts + 1,
              batch_reference = CASE WHEN $4::int > 0 THEN $5::text || '_' || ((p.rn - 1) / $4::int)::text END
         FROM picked p
        WHERE m.id = p.id
        RETURNING m.id, m.recipient, m.content, m.client_reference, m.attempts, m.batch_reference`,
      [campaignId, limit, leaseSeconds, perRequest, prefix],
    );
  }

  private async recordFinals(finals: Final[]): Promise<void> {
    if (finals.length === 0) return;
    await this.dataSource.query(
      `UPDATE messages m
          SET status = CASE WHEN message_status_rank(m.status) < message_status_rank(r.status) THEN r.status ELSE m.status END,
              provider_message_id = coalesce(r.provider_message_id, m.provider_message_id),
              provider_batch_id = coalesce(r.provider_batch_id, m.provider_batch_id),
              status_reason = r.reason, error_code = r.error_code,
              sending_until = NULL, next_attempt_at = NULL, status_updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              AS r(id, status, provider_message_id, provider_batch_id, reason, error_code)
        WHERE m.id = r.id`,
      [
        finals.map((f) => f.id),
        finals.map((f) => f.status),
        finals.map((f) => f.providerMessageId ?? null),
        finals.map((f) => f.providerBatchId ?? null),
        finals.map((f) => (f.reason ? f.reason.slice(0, 1000) : null)),
        finals.map((f) => f.errorCode ?? null),
      ],
    );
  }

  private async recordRetries(retries: Retry[]): Promise<void> {
    if (retries.length === 0) return;
    await this.dataSource.query(
      `UPDATE messages m
          SET sending_until = NULL, next_attempt_at = now() + make_interval(secs => r.delay_ms / 1000.0), status_reason = r.reason
         FROM unnest($1::uuid[], $2::float8[], $3::text[]) AS r(id, delay_ms, reason)
        WHERE m.id = r.id AND m.status = 'queued'`,
      [retries.map((r) => r.id), retries.map((r) => r.delayMs), retries.map((r) => r.reason.slice(0, 1000))],
    );
  }

  /** Rows claimed but never handed to the provider go back to the queue as they were. */
  private async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE messages SET sending_until = NULL, batch_reference = NULL, attempts = greatest(attempts - 1, 0)
        WHERE id = ANY($1::uuid[]) AND status = 'queued'`,
      [ids],
    );
  }

  private count(channel: ChannelContext, finals: Final[], retries: Retry[]): void {
    const labels = (outcome: string) => ({ provider: channel.provider, channel_id: channel.id, outcome });
    for (const outcome of ['sent', 'failed', 'rejected'] as const) {
      const n = finals.filter((f) => f.status === outcome).length;
      if (n > 0) this.outcomes.inc(labels(outcome), n);
    }
    if (retries.length > 0) this.outcomes.inc(labels('retry'), retries.length);
  }
}

function finalOf(result: SendResult): Final {
  return result.outcome === 'accepted'
    ? { id: result.messageId, status: 'sent', providerMessageId: result.providerMessageId, providerBatchId: result.providerBatchId }
    : { id: result.messageId, status: 'rejected', reason: result.reason, errorCode: result.errorCode };
}

function groupByBatch(rows: ClaimedRow[]): ClaimedRow[][] {
  const groups = new Map<string, ClaimedRow[]>();
  for (const row of rows) {
    const key = row.batch_reference ?? row.id;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

async function runConcurrently<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}
