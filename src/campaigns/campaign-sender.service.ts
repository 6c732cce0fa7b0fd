import { Injectable, Logger } from '@nestjs/common';
import type {
  ChannelContext,
  OutboundBatch,
  SendResult,
} from '../channels/providers/channel-provider.interface.js';
import type { ProviderCredentialsError } from '../channels/providers/provider-errors.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { SendFailurePolicy } from '../channels/providers/send-failure-policy.js';
import { SendBudget } from '../channels/send-budget.js';
import { campaignLimit, channelLimit } from '../channels/send-limits.js';
import { AppConfig } from '../config/app-config.js';
import {
  CampaignMessagesRepository,
  type QueuedRecipient,
  type RecipientFinal,
  type RecipientRetry,
} from '../conversations/campaign-messages.repository.js';
import { MetricsService } from '../health/metrics.service.js';
import { CampaignBatchesRepository, type ClaimedUnit } from './campaign-batches.repository.js';
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

/** `claimed`: send units taken; 0 when the campaign has none due. */
export type ChunkOutcome = { claimed: number; credentialsError?: ProviderCredentialsError };

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
    private readonly batches: CampaignBatchesRepository,
    private readonly messages: CampaignMessagesRepository,
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

    const units = await this.batches.claimDueUnits(campaign.id, plan.unitsPerClaim, leaseSeconds);
    if (units.length === 0) return { claimed: 0 };
    const attemptsOf = new Map(units.map((unit) => [unit.reference, unit.attempts]));
    const rows = await this.messages.queuedInUnits(units.map((unit) => unit.reference));

    const requests = plan.batched ? groupByUnit(rows) : rows.map((row) => [row]);
    const finals: RecipientFinal[] = [];
    const retries: RecipientRetry[] = [];
    const unitOutcomes = new UnitOutcomes();
    let credentialsError: ProviderCredentialsError | undefined;

    const sendOne = async (group: QueuedRecipient[]): Promise<void> => {
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
              ...group.map((r): RecipientFinal => ({
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
    await this.messages.recordFinals(finals);
    await this.messages.recordRetries(retries);
    await this.settleUnits(unitOutcomes.split(units));
    this.count(channel, finals, retries);
    return { claimed: units.length, credentialsError };
  }

  private async settleUnits(units: ReturnType<UnitOutcomes['split']>): Promise<void> {
    await this.batches.markDone(units.done);
    await this.batches.scheduleRetries(units.retries);
    await this.batches.expireLeases(units.unsure);
    await this.batches.release(units.released);
  }

  private count(channel: ChannelContext, finals: RecipientFinal[], retries: RecipientRetry[]): void {
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

function finalOf(result: SendResult, attempts: number): RecipientFinal {
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

function groupByUnit(rows: QueuedRecipient[]): QueuedRecipient[][] {
  const groups = new Map<string, QueuedRecipient[]>();
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
