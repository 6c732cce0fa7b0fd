import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelsService } from '../channels/channels.service.js';
import type { ChannelContext } from '../channels/providers/channel-provider.interface.js';
import type { ProviderCredentialsError } from '../channels/providers/provider-errors.js';
import { ChannelDisabledError } from '../channels/channel-errors.js';
import { NotFoundError } from '../common/errors/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { campaignJson, messageJson, outboxInsert } from '../event-webhooks/outbox.js';
import { queryRows } from '../database/query-rows.js';
import { CampaignAudienceService } from './campaign-audience.service.js';
import { CampaignRecoveryService } from './campaign-recovery.service.js';
import { CampaignSender } from './campaign-sender.service.js';
import { HeldRecipientsService } from './held-recipients.service.js';

const INTERVAL_NAME = 'campaign-dispatch';
const CAMPAIGNS_PER_TICK = 20;
/** One campaign does not hold a tick longer than this, so the others get their turn. */
const CAMPAIGN_SLICE_MS = 5_000;
const PROGRESS_LOG_EVERY_MS = 5_000;
/** How stale the "is the campaign still sending" answer may be between requests. */
const STATUS_CHECK_MS = 100;
/**
 * Claim-send-record loops per campaign in one instance: while one records its results (database
 * bound), the other claims and sends (network bound), so neither waits on the other.
 */
const SENDERS_PER_CAMPAIGN = 2;
/** How long a sender with nothing to claim waits for the next audience chunk. */
const AUDIENCE_WAIT_MS = 50;

interface SendingRow {
  id: string;
  channel_id: string;
  rate_per_second: number | null;
  windowed: boolean;
}

/**
 * The campaign job: every CAMPAIGN_DISPATCH_INTERVAL_MS (never overlapping itself) it recovers
 * crashed sends, starts due campaigns, materialises their audience and sends their queued rows.
 * Every step claims its work with row locks or compare-and-set, so any number of instances can run.
 */
@Injectable()
export class CampaignDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CampaignDispatcher.name);
  private readonly loggedAt = new Map<string, number>();
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly channels: ChannelsService,
    private readonly audience: CampaignAudienceService,
    private readonly sender: CampaignSender,
    private readonly recovery: CampaignRecoveryService,
    private readonly held: HeldRecipientsService,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.tick(), this.config.campaignDispatchIntervalMs);
    this.scheduler.addInterval(INTERVAL_NAME, handle);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running;
  }

  /** One pass; a call while the previous one still runs does nothing. */
  tick(): Promise<void> {
    if (this.running || this.stopping) return this.running ?? Promise.resolve();
    this.running = this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      await this.recovery.recoverExpired();
      await this.startDue();
      for (const campaign of await this.sending()) {
        if (this.stopping) return;
        try {
          await this.dispatch(campaign);
        } catch (error) {
          this.logger.warn(
            { campaignId: campaign.id },
            `Campaign dispatch failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    } catch (error) {
      this.logger.warn(
        `Campaign dispatch pass failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async startDue(): Promise<void> {
    const started = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH started AS (
         UPDATE campaigns SET status = 'sending', started_at = coalesce(started_at, now()), updated_at = now()
          WHERE id IN (SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= now()
                        ORDER BY scheduled_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            AND status = 'scheduled'
          RETURNING *
       ), event AS (${outboxInsert('campaign.status', 'started c', campaignJson('c'))})
       SELECT id FROM started`,
      [CAMPAIGNS_PER_TICK],
    );
    for (const { id } of started) this.logger.log({ campaignId: id }, 'Campaign started sending');
  }

  private sending(): Promise<SendingRow[]> {
    return queryRows<SendingRow>(
      this.dataSource,
      `SELECT id, channel_id, rate_per_second, send_window IS NOT NULL AS windowed
         FROM campaigns WHERE status = 'sending' ORDER BY started_at LIMIT $1`,
      [CAMPAIGNS_PER_TICK],
    );
  }

  private async dispatch(campaign: SendingRow): Promise<void> {
    const sliceEnds = Date.now() + CAMPAIGN_SLICE_MS;
    let materialising = await this.materialiseNextChunk(campaign.id);
    if (campaign.windowed) await this.held.releaseDue(campaign.id);

    let channel: ChannelContext;
    try {
      channel = await this.channels.activeContext(campaign.channel_id);
    } catch (error) {
      // Disabled or deleted since the campaign was created: nothing it holds can be sent.
      if (error instanceof ChannelDisabledError || error instanceof NotFoundError)
        return this.fail(campaign.id, `The channel cannot send: ${error.message}`);
      throw error;
    }

    const isActive = cached(
      async () => !this.stopping && (await this.stillSending(campaign.id)),
      STATUS_CHECK_MS,
    );
    let credentialsError: ProviderCredentialsError | undefined;
    const materialiser = async (): Promise<void> => {
      while (materialising && !credentialsError && Date.now() < sliceEnds && (await isActive())) {
        materialising = await this.materialiseNextChunk(campaign.id);
      }
      materialising = false;
    };
    const sender = async (): Promise<void> => {
      while (!credentialsError && Date.now() < sliceEnds && (await isActive())) {
        const outcome = await this.sender.sendChunk(
          { id: campaign.id, ratePerSecond: campaign.rate_per_second },
          channel,
          isActive,
        );
        credentialsError ??= outcome.credentialsError;
        if (outcome.claimed === 0) {
          if (!materialising) break;
          await sleep(AUDIENCE_WAIT_MS);
          continue;
        }
        await this.logProgress(campaign.id);
      }
    };
    await Promise.all([materialiser(), ...Array.from({ length: SENDERS_PER_CAMPAIGN }, sender)]);
    if (credentialsError) {
      return this.fail(
        campaign.id,
        `The provider rejected the channel's credentials (HTTP ${credentialsError.httpStatus})`,
      );
    }
    await this.completeIfDone(campaign.id);
  }

  /** True while more of the audience is left to materialise by this instance. */
  private async materialiseNextChunk(id: string): Promise<boolean> {
    const chunk = await this.audience.materialiseChunk(id);
    if (!chunk) return false;
    if (chunk.done) this.logger.log({ campaignId: id }, 'Campaign audience materialised');
    return !chunk.done;
  }

  private async stillSending(id: string): Promise<boolean> {
    const [row] = await queryRows<{ status: string }>(
      this.dataSource,
      `SELECT status FROM campaigns WHERE id = $1`,
      [id],
    );
    return row?.status === 'sending';
  }

  /** Completed when every send unit is done (none waiting, retrying or under a lease) and nobody is held. */
  private async completeIfDone(id: string): Promise<void> {
    const done = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH done AS (
         UPDATE campaigns SET status = 'completed', completed_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'sending' AND materialized_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM campaign_batches WHERE campaign_id = $1 AND done_at IS NULL)
            AND NOT EXISTS (SELECT 1 FROM messages WHERE campaign_id = $1 AND status = 'held')
          RETURNING *
       ), event AS (${outboxInsert('campaign.status', 'done c', campaignJson('c'))})
       SELECT id FROM done`,
      [id],
    );
    if (done.length > 0) {
      this.loggedAt.delete(id);
      this.logger.log({ campaignId: id }, 'Campaign completed');
    }
  }

  /**
   * The whole channel is refused: the campaign fails and its unsent rows with it, in one transaction
   * so nobody reads a failed campaign whose recipients still look queued, and a crash cannot leave
   * them so.
   */
  private async fail(id: string, reason: string): Promise<void> {
    const failed = await this.dataSource.transaction(async (tx) => {
      const rows = await queryRows<{ id: string }>(
        tx,
        `WITH failed AS (
           UPDATE campaigns SET status = 'failed', failure_reason = $2, completed_at = now(), updated_at = now()
            WHERE id = $1 AND status = 'sending' RETURNING *
         ), event AS (${outboxInsert('campaign.status', 'failed c', campaignJson('c'))})
         SELECT id FROM failed`,
        [id, reason],
      );
      if (rows.length === 0) return false;
      await tx.query(
        `WITH changed AS (
           UPDATE messages SET status = 'failed', status_reason = $2, status_updated_at = now()
            WHERE campaign_id = $1 AND status IN ('queued', 'held')
           RETURNING *
         ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
         SELECT 1`,
        [id, reason],
      );
      await tx.query(
        `UPDATE campaign_batches SET done_at = now(), sending_until = NULL WHERE campaign_id = $1 AND done_at IS NULL`,
        [id],
      );
      return true;
    });
    if (!failed) return;
    this.logger.warn({ campaignId: id, reason }, 'Campaign failed');
  }

  private async logProgress(id: string): Promise<void> {
    const last = this.loggedAt.get(id) ?? 0;
    if (Date.now() - last < PROGRESS_LOG_EVERY_MS) return;
    this.loggedAt.set(id, Date.now());
    const rows = await queryRows<{ status: string; count: string }>(
      this.dataSource,
      `SELECT status, count(*) AS count FROM messages WHERE campaign_id = $1 GROUP BY status`,
      [id],
    );
    this.logger.log(
      { campaignId: id, counts: Object.fromEntries(rows.map((r) => [r.status, Number(r.count)])) },
      'Campaign progress',
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `probe`'s answer, asked again only once it is older than `maxAgeMs`. */
function cached(probe: () => Promise<boolean>, maxAgeMs: number): () => Promise<boolean> {
  let value: boolean | undefined;
  let at = 0;
  return async () => {
    if (value === undefined || Date.now() - at > maxAgeMs) {
      value = await probe();
      at = Date.now();
    }
    return value;
  };
}
