import { ChannelDisabledError } from '../../channels/channel-errors.js';
import type { ChannelsService } from '../../channels/channels.service.js';
import type {
  ChannelContext,
  ChannelProvider,
  MessageStatus,
  OutboundBatch,
  SendResult,
  SentBatchRecord,
} from '../../channels/providers/channel-provider.interface.js';
import { statusRank } from '../../channels/providers/delivery-status.js';
import { ProviderRegistry } from '../../channels/providers/provider-registry.js';
import type { SendBudget } from '../../channels/send-budget.js';
import type {
  CampaignMessagesRepository,
  QueuedRecipient,
  RecipientFinal,
  RecipientRetry,
} from '../../conversations/campaign-messages.repository.js';
import type {
  CampaignBatchesRepository,
  ClaimedUnit,
  ExpiredUnit,
  UnitRetry,
} from '../campaign-batches.repository.js';
import type { CampaignsRepository, SendingCampaignRow } from '../campaigns.repository.js';

/**
 * In-memory stand-ins for the campaign repositories, sharing one `CampaignTables`, so a service test
 * builds its `sut` in a few lines and asserts on the rows it left behind. They keep the rules the
 * SQL keeps (leases, due times, statuses that only move forward), not its performance.
 */

export interface UnitRow {
  reference: string;
  campaignId: string;
  channelId: string;
  attempts: number;
  /** Clock time the lease ends; null when nobody holds the unit. */
  leasedUntil: number | null;
  nextAttemptAt: number | null;
  done: boolean;
}

export interface MessageRow {
  id: string;
  campaignId: string;
  recipient: string;
  status: MessageStatus;
  batchReference: string | null;
  clientReference: string | null;
  reason: string | null;
  errorCode: string | null;
  attempts: number;
  providerMessageId: string | null;
  providerBatchId: string | null;
}

export interface CampaignRow {
  id: string;
  channelId: string;
  status: 'scheduled' | 'sending' | 'paused' | 'completed' | 'failed' | 'cancelled';
  ratePerSecond: number | null;
  failureReason: string | null;
  /** Set once the whole audience is rows (the fake audience service sets it). */
  materialised: boolean;
}

export class CampaignTables {
  /** The database's clock, in ms; tests move it. */
  now = 1_000_000;
  readonly campaigns = new Map<string, CampaignRow>();
  readonly units = new Map<string, UnitRow>();
  readonly messages = new Map<string, MessageRow>();
  private sequence = 0;

  addCampaign(overrides: Partial<CampaignRow> = {}): CampaignRow {
    const campaign: CampaignRow = {
      id: `campaign-${++this.sequence}`,
      channelId: 'channel-1',
      status: 'sending',
      ratePerSecond: null,
      failureReason: null,
      materialised: true,
      ...overrides,
    };
    this.campaigns.set(campaign.id, campaign);
    return campaign;
  }

  /** A send unit of `recipients.length` queued rows, due now. */
  addUnit(campaignId: string, recipients: readonly string[], overrides: Partial<UnitRow> = {}): UnitRow {
    const campaign = this.campaigns.get(campaignId);
    const unit: UnitRow = {
      reference: `unit-${++this.sequence}`,
      campaignId,
      channelId: campaign?.channelId ?? 'channel-1',
      attempts: 0,
      leasedUntil: null,
      nextAttemptAt: null,
      done: false,
      ...overrides,
    };
    this.units.set(unit.reference, unit);
    for (const recipient of recipients) {
      const id = `message-${++this.sequence}`;
      this.messages.set(id, {
        id,
        campaignId,
        recipient,
        status: 'queued',
        batchReference: unit.reference,
        clientReference: null,
        reason: null,
        errorCode: null,
        attempts: 0,
        providerMessageId: null,
        providerBatchId: null,
      });
    }
    return unit;
  }

  messagesOf(unit: { reference: string }): MessageRow[] {
    return [...this.messages.values()].filter((m) => m.batchReference === unit.reference);
  }

  statusesOf(unit: { reference: string }): MessageStatus[] {
    return this.messagesOf(unit).map((m) => m.status);
  }
}

export class FakeCampaignBatches implements Pick<
  CampaignBatchesRepository,
  | 'claimDueUnits'
  | 'markDone'
  | 'scheduleRetries'
  | 'expireLeases'
  | 'release'
  | 'findExpired'
  | 'claimExpired'
  | 'requeueRecovered'
> {
  constructor(private readonly tables: CampaignTables) {}

  claimDueUnits(campaignId: string, limit: number, leaseSeconds: number): Promise<ClaimedUnit[]> {
    const due = [...this.tables.units.values()]
      .filter(
        (u) =>
          u.campaignId === campaignId &&
          !u.done &&
          u.leasedUntil === null &&
          (u.nextAttemptAt === null || u.nextAttemptAt <= this.tables.now),
      )
      .sort((a, b) => a.reference.localeCompare(b.reference))
      .slice(0, limit);
    for (const unit of due) {
      unit.leasedUntil = this.tables.now + leaseSeconds * 1000;
      unit.attempts += 1;
    }
    return Promise.resolve(due.map((u) => ({ reference: u.reference, attempts: u.attempts })));
  }

  markDone(references: readonly string[]): Promise<void> {
    for (const unit of this.pick(references)) Object.assign(unit, { done: true, leasedUntil: null });
    return Promise.resolve();
  }

  scheduleRetries(retries: readonly UnitRetry[]): Promise<void> {
    for (const retry of retries) {
      const unit = this.tables.units.get(retry.reference);
      if (unit) Object.assign(unit, { leasedUntil: null, nextAttemptAt: this.tables.now + retry.delayMs });
    }
    return Promise.resolve();
  }

  expireLeases(references: readonly string[]): Promise<void> {
    for (const unit of this.pick(references)) unit.leasedUntil = this.tables.now - 1;
    return Promise.resolve();
  }

  release(references: readonly string[]): Promise<void> {
    for (const unit of this.pick(references))
      Object.assign(unit, { leasedUntil: null, attempts: Math.max(unit.attempts - 1, 0) });
    return Promise.resolve();
  }

  findExpired(limit: number): Promise<ExpiredUnit[]> {
    return Promise.resolve(
      this.expired()
        .slice(0, limit)
        .map((u) => ({ reference: u.reference, channel_id: u.channelId })),
    );
  }

  claimExpired(reference: string, leaseSeconds: number): Promise<boolean> {
    const unit = this.expired().find((u) => u.reference === reference);
    if (unit) unit.leasedUntil = this.tables.now + leaseSeconds * 1000;
    return Promise.resolve(unit !== undefined);
  }

  requeueRecovered(reference: string, done: boolean): Promise<void> {
    const unit = this.tables.units.get(reference);
    if (unit) Object.assign(unit, { leasedUntil: null, nextAttemptAt: null, done });
    return Promise.resolve();
  }

  private expired(): UnitRow[] {
    return [...this.tables.units.values()].filter(
      (u) => !u.done && u.leasedUntil !== null && u.leasedUntil < this.tables.now,
    );
  }

  private pick(references: readonly string[]): UnitRow[] {
    return references.flatMap((reference) => this.tables.units.get(reference) ?? []);
  }
}

export class FakeCampaignMessages implements Pick<
  CampaignMessagesRepository,
  | 'queuedInUnits'
  | 'queuedInUnit'
  | 'recordFinals'
  | 'recordRetries'
  | 'failInterrupted'
  | 'recordRecovered'
  | 'statusCounts'
> {
  constructor(private readonly tables: CampaignTables) {}

  queuedInUnits(references: readonly string[]): Promise<QueuedRecipient[]> {
    return Promise.resolve(
      this.queued().flatMap((m) =>
        m.batchReference && references.includes(m.batchReference)
          ? [
              {
                id: m.id,
                recipient: m.recipient,
                content: { kind: 'text' as const, text: 'Hello' },
                client_reference: m.clientReference,
                batch_reference: m.batchReference,
              },
            ]
          : [],
      ),
    );
  }

  queuedInUnit(reference: string): Promise<Array<{ id: string; recipient: string }>> {
    return Promise.resolve(
      this.queued()
        .filter((m) => m.batchReference === reference)
        .map((m) => ({ id: m.id, recipient: m.recipient })),
    );
  }

  recordFinals(finals: readonly RecipientFinal[]): Promise<void> {
    for (const final of finals) {
      const row = this.tables.messages.get(final.id);
      if (!row) continue;
      if (statusRank(row.status) < statusRank(final.status)) row.status = final.status;
      Object.assign(row, {
        providerMessageId: final.providerMessageId ?? row.providerMessageId,
        providerBatchId: final.providerBatchId ?? row.providerBatchId,
        reason: final.reason ?? null,
        errorCode: final.errorCode ?? null,
        attempts: final.attempts,
      });
    }
    return Promise.resolve();
  }

  recordRetries(retries: readonly RecipientRetry[]): Promise<void> {
    for (const retry of retries) {
      const row = this.tables.messages.get(retry.id);
      if (row?.status === 'queued') Object.assign(row, { reason: retry.reason, attempts: retry.attempts });
    }
    return Promise.resolve();
  }

  failInterrupted(ids: readonly string[]): Promise<void> {
    for (const row of this.queued().filter((m) => ids.includes(m.id)))
      Object.assign(row, { status: 'failed', reason: 'interrupted' });
    return Promise.resolve();
  }

  recordRecovered(reached: ReadonlyArray<{ id: string; batchId: string }>): Promise<void> {
    for (const { id, batchId } of reached) {
      const row = this.tables.messages.get(id);
      if (!row) continue;
      if (statusRank(row.status) < statusRank('sent')) row.status = 'sent';
      row.providerBatchId = batchId;
    }
    return Promise.resolve();
  }

  statusCounts(
    campaignIds: readonly string[],
  ): Promise<Map<string, Array<{ status: string; count: number }>>> {
    const counts = new Map<string, Array<{ status: string; count: number }>>();
    for (const id of campaignIds) {
      const byStatus = new Map<string, number>();
      for (const m of this.tables.messages.values())
        if (m.campaignId === id) byStatus.set(m.status, (byStatus.get(m.status) ?? 0) + 1);
      counts.set(
        id,
        [...byStatus].map(([status, count]) => ({ status, count })),
      );
    }
    return Promise.resolve(counts);
  }

  private queued(): MessageRow[] {
    return [...this.tables.messages.values()].filter((m) => m.status === 'queued');
  }
}

export class FakeCampaigns implements Pick<
  CampaignsRepository,
  'startDue' | 'listSending' | 'statusOf' | 'completeIfDone' | 'failSending'
> {
  constructor(private readonly tables: CampaignTables) {}

  startDue(limit: number): Promise<string[]> {
    const due = this.all('scheduled').slice(0, limit);
    for (const campaign of due) campaign.status = 'sending';
    return Promise.resolve(due.map((c) => c.id));
  }

  listSending(limit: number): Promise<SendingCampaignRow[]> {
    return Promise.resolve(
      this.all('sending')
        .slice(0, limit)
        .map((c) => ({
          id: c.id,
          channel_id: c.channelId,
          rate_per_second: c.ratePerSecond,
          windowed: false,
        })),
    );
  }

  statusOf(id: string): Promise<string | undefined> {
    return Promise.resolve(this.tables.campaigns.get(id)?.status);
  }

  completeIfDone(id: string): Promise<boolean> {
    const campaign = this.tables.campaigns.get(id);
    const open = [...this.tables.units.values()].some((u) => u.campaignId === id && !u.done);
    if (campaign?.status !== 'sending' || !campaign.materialised || open) return Promise.resolve(false);
    campaign.status = 'completed';
    return Promise.resolve(true);
  }

  failSending(id: string, reason: string): Promise<boolean> {
    const campaign = this.tables.campaigns.get(id);
    if (campaign?.status !== 'sending') return Promise.resolve(false);
    Object.assign(campaign, { status: 'failed', failureReason: reason });
    for (const m of this.tables.messages.values())
      if (m.campaignId === id && (m.status === 'queued' || m.status === 'held'))
        Object.assign(m, { status: 'failed', reason });
    for (const u of this.tables.units.values())
      if (u.campaignId === id) Object.assign(u, { done: true, leasedUntil: null });
    return Promise.resolve(true);
  }

  private all(status: CampaignRow['status']): CampaignRow[] {
    return [...this.tables.campaigns.values()].filter((c) => c.status === status);
  }
}

type SendBehaviour = (batch: OutboundBatch) => Promise<SendResult[]> | SendResult[];

/**
 * A batch provider (Sinch SMS's shape) whose answer each test sets; it remembers every request and,
 * when given `sentBatches`, answers recovery's look-up by client reference.
 */
export class FakeBatchProvider implements ChannelProvider<'sinch-sms'> {
  readonly kind = 'sinch-sms' as const;
  readonly maxRecipientsPerRequest = 1000;
  readonly requests: OutboundBatch[] = [];
  /** Present only when the test gives it: providers without it cannot be asked. */
  findSentBatches?: (channel: ChannelContext, reference: string) => Promise<SentBatchRecord[]>;
  private behaviour: SendBehaviour = acceptAll;

  answer(behaviour: SendBehaviour): this {
    this.behaviour = behaviour;
    return this;
  }

  knows(batches: Record<string, SentBatchRecord[]>): this {
    this.findSentBatches = (_channel, reference) => Promise.resolve(batches[reference] ?? []);
    return this;
  }

  async send(_channel: ChannelContext<'sinch-sms'>, batch: OutboundBatch): Promise<SendResult[]> {
    this.requests.push(batch);
    return this.behaviour(batch);
  }

  verifySignature(): boolean {
    throw new Error('not used by campaign tests');
  }

  parseWebhook(): never {
    throw new Error('not used by campaign tests');
  }

  verifyCredentials(): Promise<{ ok: boolean; detail: string }> {
    throw new Error('not used by campaign tests');
  }
}

function acceptAll(batch: OutboundBatch): SendResult[] {
  return batch.recipients.map((r, i) => ({
    messageId: r.messageId,
    outcome: 'accepted',
    status: 'queued',
    providerMessageId: `provider-${r.messageId}`,
    providerBatchId: `batch-${i}`,
  }));
}

export function registryOf(provider: ChannelProvider): ProviderRegistry {
  return new ProviderRegistry([provider]);
}

export function channelContext(id = 'channel-1'): ChannelContext<'sinch-sms'> {
  return {
    id,
    provider: 'sinch-sms',
    sender: '+15550000000',
    config: { servicePlanId: 'plan', apiToken: 'token', region: 'us' },
    webhookUrls: {},
  };
}

/** Channels by id: all active unless disabled, `broken` ones fail to load. */
export class FakeChannels implements Pick<ChannelsService, 'activeContext' | 'webhookContext'> {
  readonly disabled = new Set<string>();
  readonly broken = new Set<string>();

  activeContext(id: string): Promise<ChannelContext> {
    if (this.broken.has(id)) return Promise.reject(new Error(`database unreachable for ${id}`));
    if (this.disabled.has(id)) return Promise.reject(new ChannelDisabledError(id));
    return Promise.resolve(channelContext(id));
  }

  webhookContext(id: string): Promise<{ context: ChannelContext; webhookToken: string } | undefined> {
    return Promise.resolve({ context: channelContext(id), webhookToken: 'token' });
  }
}

/** A send budget without limits: every request may go at once. */
export const unlimitedBudget = { take: () => Promise.resolve(true) } as unknown as SendBudget;
