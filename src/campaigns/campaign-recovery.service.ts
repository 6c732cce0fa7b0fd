import { Injectable, Logger } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service.js';
import type { ChannelContext, SentBatchRecord } from '../channels/providers/channel-provider.interface.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { CampaignMessagesRepository } from '../conversations/campaign-messages.repository.js';
import { CampaignBatchesRepository, type ExpiredUnit } from './campaign-batches.repository.js';

/** How long one instance holds an expired unit while it asks the provider what became of it. */
const RECOVERY_LEASE_SECONDS = 60;
const UNITS_PER_PASS = 20;

/**
 * Send units whose sender crashed mid-request (lease expired, not done). A request carried the unit's
 * reference, fixed beforehand, so a provider that can look batches up by it (`findSentBatches`, Sinch
 * SMS) says whether it arrived: the recipients in the found batch are `sent`, the others go back to
 * the queue with the unit. Other providers cannot be asked: the unit's unsent rows become `failed`
 * ("interrupted") rather than risk a duplicate text.
 */
@Injectable()
export class CampaignRecoveryService {
  private readonly logger = new Logger(CampaignRecoveryService.name);

  constructor(
    private readonly batches: CampaignBatchesRepository,
    private readonly messages: CampaignMessagesRepository,
    private readonly channels: ChannelsService,
    private readonly providers: ProviderRegistry,
  ) {}

  async recoverExpired(): Promise<void> {
    for (const unit of await this.batches.findExpired(UNITS_PER_PASS)) {
      try {
        await this.reconcile(unit);
      } catch (error) {
        // The recovery lease stays: another pass retries once it expires.
        this.logger.warn(
          `Could not reconcile campaign batch ${unit.reference}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  private async reconcile(unit: ExpiredUnit): Promise<void> {
    // The channel first: an instance that cannot open its secrets must not claim the unit.
    const channel = (await this.channels.webhookContext(unit.channel_id))?.context;
    if (!(await this.batches.claimExpired(unit.reference, RECOVERY_LEASE_SECONDS))) return;
    const rows = await this.messages.queuedInUnit(unit.reference);

    const found = await this.lookUp(channel, unit.reference);
    if (found === undefined) {
      await this.messages.failInterrupted(rows.map((row) => row.id));
      await this.batches.markDone([unit.reference]);
      this.logger.warn(
        `Campaign batch ${unit.reference} was interrupted: ${rows.length} recipients marked failed`,
      );
      return;
    }
    const sent = new Map<string, string>();
    for (const record of found) {
      if (record.canceled) continue;
      for (const recipient of record.recipients) sent.set(recipient, record.batchId);
    }
    const reached = rows.filter((row) => sent.has(row.recipient));
    await this.messages.recordRecovered(
      reached.map((row) => ({ id: row.id, batchId: sent.get(row.recipient) as string })),
    );
    const missed = rows.length - reached.length;
    // The unit goes back to the queue; only its rows still queued (those Sinch never got) are sent again.
    await this.batches.requeueRecovered(unit.reference, missed === 0);
    this.logger.log(
      `Recovered campaign batch ${unit.reference}: ${reached.length} had been sent, ${missed} re-queued`,
    );
  }

  /** The batches the provider knows under this reference, or undefined when it cannot be asked. */
  private async lookUp(
    channel: ChannelContext | undefined,
    reference: string,
  ): Promise<SentBatchRecord[] | undefined> {
    if (!channel) return undefined;
    const provider = this.providers.get(channel.provider);
    return provider.findSentBatches ? provider.findSentBatches(channel, reference) : undefined;
  }
}
