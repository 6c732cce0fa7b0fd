import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  ChannelContext,
  MessageContent,
  OutboundBatch,
  SendResult,
} from '../channels/providers/channel-provider.interface.js';
import type { ProviderCredentialsError } from '../channels/providers/provider-errors.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { SendFailurePolicy } from '../channels/providers/send-failure-policy.js';
import { SendBudget } from '../channels/send-budget.js';
import { campaignLimit, channelLimit } from '../channels/send-limits.js';
import { AppConfig } from '../config/app-config.js';
import { queryRows } from '../database/query-rows.js';
import { MetricsService } from '../health/metrics.service.js';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';
import { sendPlan, tightestRate } from './send-units.js';

/** A send unit goes to the provider at most 5 times; a unit that may have arrived is checked first. */
const SEND_FAILURES = new SendFailurePolicy({
  maxAttempts: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  canReconcile: true,
});

export interface SendingCampaign {
  id: string;
  ratePerSecond: number | null;
}

interface ClaimedUnit {
  reference: string;
  attempts: number;
}

interface QueuedRow {
  id: string;
  recipient: string;
  content: MessageContent;
  client_reference: string | null;
  batch_reference: string;
}

/** `claimed`: send units taken; 0 when the campaign has none due. */
export type ChunkOutcome = { claimed: number; credentialsError?: ProviderCredentialsError };

interface Final {
  id: string;
  status: 'sent' | 'failed' | 'rejected';
  attempts: number;
  providerMessageId?: string;
  providerBatchId?: string;
  reason?: string;
  errorCode?: string;
}

interface Retry {
  id: string;
  reason: string;
  /** The unit's attempts so far: like a final result, a row's count is its unit's. */
  attempts: number;
}

/** What becomes of each claimed unit once its requests are done. */
class UnitOutcomes {
  private readonly released = new Set<string>();
  private readonly retryMs = new Map<string, number>();
  private readonly unsure = new Set<string>();

  release(reference: string): void {
    this.released.add(reference);
  }

  reconcile(reference: string): void {
    this.unsure.add(reference);
  }

  retry(reference: string, delayMs: number): void {
    this.retryMs.set(reference, Math.max(delayMs, this.retryMs.get(reference) ?? 0));
  }

  /**
   * A unit that may have been sent goes to reconciliation whatever else happened to it; then
   * released wins over retry (nothing more was tried), and retry over done (some rows are still queued).
   */
  split(units: ClaimedUnit[]): {
    unsure: string[];
    released: string[];
    retries: Array<{ reference: string; delayMs: number }>;
    done: string[];
  } {
    const rest = units.filter((u) => !this.unsure.has(u.reference));
    const released = rest.filter((u) => this.released.has(u.reference)).map((u) => u.reference);
    const retries = rest
      .filter((u) => !this.released.has(u.reference) && this.retryMs.has(u.reference))
      .map((u) => ({ reference: u.reference, delayMs: this.retryMs.get(u.reference) as number }));
    const done = rest
      .filter((u) => !this.released.has(u.reference) && !this.retryMs.has(u.reference))
      .map((u) => u.reference);
    return { unsure: [...this.unsure], released, retries, done };
  }
}

/**
 * Claims a campaign's next send units (`campaign_batches` rows, with a lease), sends their queued
 * rows through the channel's provider and records the results set-based. A batch provider's request
 * carries the unit's reference, fixed when the audience was materialised, as its client reference,
 * so a crash can be reconciled with the provider afterwards.
 */
@Injectable()
export class CampaignSender {
  private readonly logger = new Logger(CampaignSender.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ProviderRegistry,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly budget: SendBudget,
  ) {}

  /**
   * `isActive` is asked before each request (cheaply: the caller caches it), so a pause or cancel
   * stops a claim between requests rather than after it; units not sent go back untouched.
   */
  async sendChunk(
    campaign: SendingCampaign,
    channel: ChannelContext,
    isActive: () => Promise<boolean>,
  ): Promise<ChunkOutcome> {
    const provider = this.providers.get(channel.provider);
    // The campaign's own rate and its channel's limit, both shared with every instance (and the
    // channel's with everything else sent through it).
    const limits = [
      ...campaignLimit(campaign.id, campaign.ratePerSecond),
      ...channelLimit(channel.id, channel.config.maxPerSecond),
    ];
    const rate = tightestRate(campaign.ratePerSecond, channel.config.maxPerSecond);
    const plan = sendPlan(provider.maxRecipientsPerRequest, rate);
    const leaseSeconds =
      this.config.campaignLeaseSeconds +
      Math.ceil((plan.unitSize * plan.unitsPerClaim) / (rate ?? Number.POSITIVE_INFINITY));

    const units = await this.claim(campaign.id, plan.unitsPerClaim, leaseSeconds);
    if (units.length === 0) return { claimed: 0 };
    const attemptsOf = new Map(units.map((unit) => [unit.reference, unit.attempts]));
    const rows = await this.queuedRows(units.map((unit) => unit.reference));

    const requests = plan.batched ? groupByUnit(rows) : rows.map((row) => [row]);
    const finals: Final[] = [];
    const retries: Retry[] = [];
    const unitOutcomes = new UnitOutcomes();
    let credentialsError: ProviderCredentialsError | undefined;

    const sendOne = async (group: QueuedRow[]): Promise<void> => {
      const reference = group[0].batch_reference;
      const attempts = attemptsOf.get(reference) ?? 1;
      if (
        credentialsError ||
        !(await isActive()) ||
        !(await this.budget.take(limits, group.length, async () => !(await isActive()))) ||
        !(await isActive())
      ) {
        unitOutcomes.release(reference);
        return;
      }
      const batch: OutboundBatch = {
        clientReference: group[0].client_reference ?? reference,
        recipients: group.map((r) => ({ messageId: r.id, to: r.recipient, content: r.content })),
      };
      const timed = this.metrics.timeDispatch(channel.provider, 'campaign');
      try {
        const results = await provider.send(channel, batch);
        finals.push(...results.map((result) => finalOf(result, attempts)));
      } catch (error) {
        const decision = SEND_FAILURES.decide(error, attempts);
        switch (decision.action) {
          case 'refused':
            credentialsError = decision.error;
            unitOutcomes.release(reference);
            break;
          case 'reconcile':
            // It may have been sent: the unit is settled like one a crash left behind (see CampaignRecoveryService).
            unitOutcomes.reconcile(reference);
            retries.push(...group.map((r) => ({ id: r.id, attempts, reason: decision.reason })));
            break;
          case 'retry':
            unitOutcomes.retry(reference, decision.delayMs);
            retries.push(...group.map((r) => ({ id: r.id, attempts, reason: decision.reason })));
            break;
          case 'final':
            if (decision.unexpected)
              this.logger.error(
                { err: error, campaignId: campaign.id },
                'Unexpected error while sending a campaign request',
              );
            finals.push(
              ...group.map((r): Final => ({
                id: r.id,
                status: decision.status,
                attempts,
                reason: decision.reason,
                errorCode: decision.errorCode,
              })),
            );
        }
      } finally {
        timed();
      }
    };

    await runConcurrently(requests, plan.concurrency, sendOne);
    await this.recordFinals(finals);
    await this.recordRetries(retries);
    await this.settleUnits(unitOutcomes.split(units));
    this.count(channel, finals, retries);
    return { claimed: units.length, credentialsError };
  }

  /** Takes the campaign's next due units under a lease; an instance already holding one is skipped. */
  private claim(campaignId: string, limit: number, leaseSeconds: number): Promise<ClaimedUnit[]> {
    return queryRows<ClaimedUnit>(
      this.dataSource,
      `UPDATE campaign_batches b
          SET sending_until = now() + make_interval(secs => $3), attempts = b.attempts + 1
        WHERE b.reference IN (
          SELECT reference FROM campaign_batches
           WHERE campaign_id = $1 AND done_at IS NULL AND sending_until IS NULL
             AND (next_attempt_at IS NULL OR next_attempt_at <= now())
           ORDER BY reference
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING b.reference, b.attempts`,
      [campaignId, limit, leaseSeconds],
    );
  }

  /** The rows of the claimed units that still need sending (a retried unit resends only those). */
  private queuedRows(references: string[]): Promise<QueuedRow[]> {
    return queryRows<QueuedRow>(
      this.dataSource,
      `SELECT id, recipient, content, client_reference, batch_reference FROM messages
        WHERE batch_reference = ANY($1::text[]) AND status = 'queued'`,
      [references],
    );
  }

  private async settleUnits(units: ReturnType<UnitOutcomes['split']>): Promise<void> {
    if (units.done.length > 0) {
      await this.dataSource.query(
        `UPDATE campaign_batches SET done_at = now(), sending_until = NULL WHERE reference = ANY($1::text[])`,
        [units.done],
      );
    }
    if (units.retries.length > 0) {
      await this.dataSource.query(
        `UPDATE campaign_batches b
            SET sending_until = NULL, next_attempt_at = now() + make_interval(secs => r.delay_ms / 1000.0)
           FROM unnest($1::text[], $2::float8[]) AS r(reference, delay_ms)
          WHERE b.reference = r.reference`,
        [units.retries.map((r) => r.reference), units.retries.map((r) => r.delayMs)],
      );
    }
    // The lease ends now, so the next recovery pass asks the provider what became of them.
    if (units.unsure.length > 0) {
      await this.dataSource.query(
        `UPDATE campaign_batches SET sending_until = now() - interval '1 millisecond' WHERE reference = ANY($1::text[])`,
        [units.unsure],
      );
    }
    // Units never handed to the provider go back to the queue as they were.
    if (units.released.length > 0) {
      await this.dataSource.query(
        `UPDATE campaign_batches SET sending_until = NULL, attempts = greatest(attempts - 1, 0) WHERE reference = ANY($1::text[])`,
        [units.released],
      );
    }
  }

  private async recordFinals(finals: Final[]): Promise<void> {
    if (finals.length === 0) return;
    await this.dataSource.query(
      `WITH changed AS (
         UPDATE messages m
            SET status = CASE WHEN message_status_rank(m.status) < message_status_rank(r.status) THEN r.status ELSE m.status END,
                provider_message_id = coalesce(r.provider_message_id, m.provider_message_id),
                provider_batch_id = coalesce(r.provider_batch_id, m.provider_batch_id),
                status_reason = r.reason, error_code = r.error_code, attempts = r.attempts, status_updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])
                AS r(id, status, provider_message_id, provider_batch_id, reason, error_code, attempts)
          WHERE m.id = r.id
         RETURNING m.*, r.status AS reported_status
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'), 'm.status = m.reported_status')})
       SELECT 1`,
      [
        finals.map((f) => f.id),
        finals.map((f) => f.status),
        finals.map((f) => f.providerMessageId ?? null),
        finals.map((f) => f.providerBatchId ?? null),
        finals.map((f) => (f.reason ? f.reason.slice(0, 1000) : null)),
        finals.map((f) => f.errorCode ?? null),
        finals.map((f) => f.attempts),
      ],
    );
  }

  /** The unit carries the retry time; its rows say why they are still queued. */
  private async recordRetries(retries: Retry[]): Promise<void> {
    if (retries.length === 0) return;
    await this.dataSource.query(
      `UPDATE messages m SET status_reason = r.reason, attempts = r.attempts
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS r(id, reason, attempts)
        WHERE m.id = r.id AND m.status = 'queued'`,
      [retries.map((r) => r.id), retries.map((r) => r.reason.slice(0, 1000)), retries.map((r) => r.attempts)],
    );
  }

  private count(channel: ChannelContext, finals: Final[], retries: Retry[]): void {
    for (const outcome of ['sent', 'failed', 'rejected'] as const) {
      this.metrics.countSends(
        channel,
        'campaign',
        outcome,
        finals.filter((f) => f.status === outcome).length,
      );
    }
    this.metrics.countSends(channel, 'campaign', 'retry', retries.length);
  }
}

function finalOf(result: SendResult, attempts: number): Final {
  return result.outcome === 'accepted'
    ? {
        id: result.messageId,
        status: 'sent',
        attempts,
        providerMessageId: result.providerMessageId,
        providerBatchId: result.providerBatchId,
      }
    : {
        id: result.messageId,
        status: 'rejected',
        attempts,
        reason: result.reason,
        errorCode: result.errorCode,
      };
}

function groupByUnit(rows: QueuedRow[]): QueuedRow[][] {
  const groups = new Map<string, QueuedRow[]>();
  for (const row of rows) {
    const key = row.batch_reference;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

async function runConcurrently<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}
