import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelsService } from '../channels/channels.service.js';
import type { ChannelContext, SentBatchRecord } from '../channels/providers/channel-provider.interface.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { queryRows } from '../database/query-rows.js';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';

/** How long one instance holds an expired unit while it asks the provider what became of it. */
const RECOVERY_LEASE_SECONDS = 60;
const UNITS_PER_PASS = 20;

interface ExpiredUnit {
  reference: string;
  channel_id: string;
}

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    private readonly providers: ProviderRegistry,
  ) {}

  async recoverExpired(): Promise<void> {
    const expired = await queryRows<ExpiredUnit>(
      this.dataSource,
      `SELECT reference, channel_id FROM campaign_batches WHERE done_at IS NULL AND sending_until < now() LIMIT $1`,
      [UNITS_PER_PASS],
    );
    for (const unit of expired) {
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
    const claimed = await queryRows<{ reference: string }>(
      this.dataSource,
      `UPDATE campaign_batches SET sending_until = now() + make_interval(secs => $2)
        WHERE reference = $1 AND done_at IS NULL AND sending_until < now()
        RETURNING reference`,
      [unit.reference, RECOVERY_LEASE_SECONDS],
    );
    if (claimed.length === 0) return;
    const rows = await queryRows<{ id: string; recipient: string }>(
      this.dataSource,
      `SELECT id, recipient FROM messages WHERE batch_reference = $1 AND status = 'queued'`,
      [unit.reference],
    );

    const found = await this.lookUp(channel, unit.reference);
    if (found === undefined) {
      await this.dataSource.query(
        `WITH changed AS (
           UPDATE messages SET status = 'failed', status_reason = 'interrupted', status_updated_at = now()
            WHERE id = ANY($1::uuid[]) AND status = 'queued'
           RETURNING *
         ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
         SELECT 1`,
        [rows.map((row) => row.id)],
      );
      await this.dataSource.query(
        `UPDATE campaign_batches SET done_at = now(), sending_until = NULL WHERE reference = $1`,
        [unit.reference],
      );
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
    if (reached.length > 0) {
      await this.dataSource.query(
        `WITH changed AS (
           UPDATE messages m
              SET status = CASE WHEN message_status_rank(m.status) < message_status_rank('sent') THEN 'sent' ELSE m.status END,
                  provider_batch_id = r.batch_id, status_reason = 'Recovered: the provider had the batch', status_updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS r(id, batch_id)
            WHERE m.id = r.id
           RETURNING m.*
         ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'), "m.status = 'sent'")})
         SELECT 1`,
        [reached.map((row) => row.id), reached.map((row) => sent.get(row.recipient) as string)],
      );
    }
    const missed = rows.length - reached.length;
    // The unit goes back to the queue; only its rows still queued (those Sinch never got) are sent again.
    await this.dataSource.query(
      `UPDATE campaign_batches SET sending_until = NULL, next_attempt_at = NULL, done_at = CASE WHEN $2 THEN now() END WHERE reference = $1`,
      [unit.reference, missed === 0],
    );
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
