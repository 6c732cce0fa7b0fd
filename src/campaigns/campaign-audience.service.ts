import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { AppConfig } from '../config/app-config.js';
import {
  type AudienceChunk,
  CampaignMessagesRepository,
  type SqlFragment,
} from '../conversations/campaign-messages.repository.js';
import { audienceSql, contentSql, frequencyCappedSql, sendableSql } from './audience-sql.js';
import { CampaignAudienceRepository } from './campaign-audience.repository.js';
import { CampaignsRepository, type LockedCampaign } from './campaigns.repository.js';
import { HeldRecipientsService } from './held-recipients.service.js';
import { sendPlan, tightestRate, unitPrefix } from './send-units.js';

/** What one chunk added; `done` once the whole audience is materialised. */
export interface MaterialisedChunk {
  done: boolean;
  queued: number;
  held: number;
  skippedFrequencyCap: number;
  skippedOptedOut: number;
  skippedInvalid: number;
}

/**
 * Turns a sending campaign's audience into one `queued` message row per recipient and one
 * `campaign_batches` row per send unit, set-based and exactly once. It goes in chunks of contacts
 * ordered by id: each chunk locks the campaign row (SKIP LOCKED: another instance already on it
 * simply moves on), inserts the chunk's rows and moves `materialized_through` in one transaction;
 * the last one sets `materialized_at`.
 */
@Injectable()
export class CampaignAudienceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsRepository,
    private readonly contacts: CampaignAudienceRepository,
    private readonly messages: CampaignMessagesRepository,
    private readonly providers: ProviderRegistry,
    private readonly config: AppConfig,
    private readonly held: HeldRecipientsService,
  ) {}

  /**
   * Undefined when there was nothing to do (already materialised, or another instance holds it).
   * The chunk size (CAMPAIGN_MATERIALISE_CHUNK) keeps each transaction to a second or two: the
   * embedded database serves nobody else during one, and sending starts after the first chunk.
   */
  materialiseChunk(campaignId: string): Promise<MaterialisedChunk | undefined> {
    const chunkSize = this.config.campaignMaterialiseChunk;
    return this.dataSource.transaction(async (tx) => {
      const campaign = await this.campaigns.lockForMaterialising(tx, campaignId);
      if (!campaign) return undefined;

      const upTo = await this.contacts.chunkEnd(
        tx,
        campaign.audience,
        campaign.materialized_through,
        chunkSize,
      );
      const chunk: SqlFragment = (alias, params) => {
        params.push(campaign.materialized_through, upTo ?? null);
        const [from, to] = [params.length - 1, params.length];
        return `${audienceSql(campaign.audience, alias, params)}
                AND ($${from}::uuid IS NULL OR ${alias}.id > $${from}::uuid) AND ($${to}::uuid IS NULL OR ${alias}.id <= $${to}::uuid)`;
      };
      const members: SqlFragment = (alias, params) => `${chunk(alias, params)} AND ${sendableSql(alias)}`;

      const recipients: AudienceChunk = {
        ...this.unitsOf(campaign),
        members,
        capped: (alias, params) => {
          params.push(campaign.frequency_cap?.max ?? null, campaign.frequency_cap?.perHours ?? null);
          return frequencyCappedSql(alias, params.length - 1, params.length);
        },
        content: (alias, params) => contentSql(campaign.message, alias, params),
      };
      await this.messages.openConversations(tx, recipients);
      const inserted = await this.messages.insertRecipientsAndUnits(tx, recipients);
      // Recipients whose window is open now go out at once, in this same transaction.
      const released = campaign.send_window
        ? await this.held.releaseLocked(tx, { ...campaign, send_window: campaign.send_window }, new Date())
        : 0;

      const skipped = await this.contacts.skippedIn(tx, chunk);
      const result: MaterialisedChunk = {
        done: upTo === undefined,
        queued: inserted.queued + released,
        held: inserted.held - released,
        skippedFrequencyCap: inserted.skipped,
        skippedInvalid: skipped.invalid,
        skippedOptedOut: skipped.optedOut,
      };
      // The audience's size is known from the first chunk on, so progress does not jump as chunks land;
      // the last chunk sets it to what was actually queued and skipped.
      const audienceSize =
        campaign.materialized_through === null && !result.done
          ? await this.contacts.count(tx, campaign.audience)
          : undefined;
      await this.campaigns.recordMaterialised(
        tx,
        campaign.id,
        result,
        upTo ?? skipped.last ?? campaign.materialized_through,
        audienceSize,
      );
      return result;
    });
  }

  private unitsOf(campaign: LockedCampaign): Omit<AudienceChunk, 'members' | 'capped' | 'content'> {
    const plan = sendPlan(
      this.providers.get(campaign.provider).maxRecipientsPerRequest,
      tightestRate(campaign.rate_per_second, campaign.channel_max_per_second),
    );
    return {
      campaignId: campaign.id,
      channelId: campaign.channel_id,
      unitPrefix: unitPrefix(campaign.id),
      unitSize: plan.unitSize,
      batched: plan.batched,
      windowed: campaign.send_window !== null,
    };
  }
}
