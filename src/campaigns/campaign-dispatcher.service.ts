import { Injectable } from '@nestjs/common';

import { ChannelsService } from '../channels/channels.service.js';
import type { ChannelContext } from '../channels/providers/channel-provider.interface.js';
import type { ProviderCredentialsError } from '../channels/providers/provider-errors.js';
import { ChannelDisabledError } from '../channels/channel-errors.js';
import { NotFoundError } from '../common/errors/domain-error.js';
import { IntervalJob } from '../common/jobs/interval-job.js';
import { AppConfig } from '../config/app-config.js';
import { CampaignMessagesRepository } from '../conversations/campaign-messages.repository.js';
import { CampaignAudienceService } from './campaign-audience.service.js';
import { CampaignRecoveryService } from './campaign-recovery.service.js';
import { CampaignSender } from './campaign-sender.service.js';
import { CampaignsRepository, type SendingCampaignRow } from './campaigns.repository.js';
import { HeldRecipientsService } from './held-recipients.service.js';

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

/**
 * The campaign job: every CAMPAIGN_DISPATCH_INTERVAL_MS (never overlapping itself) it recovers
 * crashed sends, starts due campaigns, materialises their audience and sends their queued rows.
 * Every step claims its work with row locks or compare-and-set, so any number of instances can run.
 */
@Injectable()
export class CampaignDispatcher extends IntervalJob {
  protected readonly intervalMs: number;
  private readonly loggedAt = new Map<string, number>();

  constructor(
    config: AppConfig,
    private readonly campaigns: CampaignsRepository,
    private readonly messages: CampaignMessagesRepository,
    private readonly channels: ChannelsService,
    private readonly audience: CampaignAudienceService,
    private readonly sender: CampaignSender,
    private readonly recovery: CampaignRecoveryService,
    private readonly held: HeldRecipientsService,
  ) {
    super();
    this.intervalMs = config.campaignDispatchIntervalMs;
  }

  /** A failure of one campaign is logged and the others still get their turn; any other fails the pass. */
  protected async pass(): Promise<void> {
    await this.recovery.recoverExpired();
    await this.startDue();
    for (const campaign of await this.campaigns.listSending(CAMPAIGNS_PER_TICK)) {
      if (this.isStopping) return;
      try {
        await this.dispatch(campaign);
      } catch (error) {
        this.logger.warn({ err: error, campaignId: campaign.id }, 'Campaign dispatch failed');
      }
    }
  }

  private async startDue(): Promise<void> {
    for (const id of await this.campaigns.startDue(CAMPAIGNS_PER_TICK))
      this.logger.log({ campaignId: id }, 'Campaign started sending');
  }

  private async dispatch(campaign: SendingCampaignRow): Promise<void> {
    const sliceEnds = Date.now() + CAMPAIGN_SLICE_MS;
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
      async () => !this.isStopping && (await this.campaigns.statusOf(campaign.id)) === 'sending',
      STATUS_CHECK_MS,
    );
    let credentialsError: ProviderCredentialsError | undefined;
    // The materialiser starts chunks only within the slice, but one may outlast it (a chunk of a
    // large audience takes several seconds): the senders go on until it is written, so sending never
    // waits for the audience. When the chunks were taken in turns with the sending instead, each
    // pass of a 1,000,000-recipient campaign wrote one chunk and sent nothing.
    let materialising = true;
    const materialiser = async (): Promise<void> => {
      while (materialising && !credentialsError && (await isActive())) {
        materialising = await this.materialiseNextChunk(campaign.id);
        if (Date.now() >= sliceEnds) break;
      }
      materialising = false;
    };
    const sender = async (): Promise<void> => {
      while (!credentialsError && (Date.now() < sliceEnds || materialising) && (await isActive())) {
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

  private async completeIfDone(id: string): Promise<void> {
    if (!(await this.campaigns.completeIfDone(id))) return;
    this.loggedAt.delete(id);
    this.logger.log({ campaignId: id }, 'Campaign completed');
  }

  /** The whole channel is refused: the campaign fails, and its unsent rows with it. */
  private async fail(id: string, reason: string): Promise<void> {
    if (await this.campaigns.failSending(id, reason))
      this.logger.warn({ campaignId: id, reason }, 'Campaign failed');
  }

  private async logProgress(id: string): Promise<void> {
    const last = this.loggedAt.get(id) ?? 0;
    if (Date.now() - last < PROGRESS_LOG_EVERY_MS) return;
    this.loggedAt.set(id, Date.now());
    const counts = (await this.messages.statusCounts([id])).get(id) ?? [];
    this.logger.log(
      { campaignId: id, counts: Object.fromEntries(counts.map((c) => [c.status, c.count])) },
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
