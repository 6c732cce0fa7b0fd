import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelsService } from '../channels/channels.service.js';
import type { ChannelContext } from '../channels/providers/channel-provider.interface.js';
import { type SinchBatchRecord, SinchSmsProvider } from '../channels/providers/sinch-sms/sinch-sms.provider.js';
import { queryRows } from '../database/query-rows.js';

/** How long one instance holds expired rows while it asks the provider what became of them. */
const RECOVERY_LEASE_SECONDS = 60;
const BATCHES_PER_PASS = 20;

interface ExpiredBatch {
  channel_id: string;
  batch_reference: string;
}

/**
 * Campaign rows whose sender crashed mid-request (lease expired, still `queued`). A Sinch SMS
 * request carried a batch reference fixed beforehand, so Sinch can say whether it arrived: the
 * recipients in the found batch are `sent`, the others go back to the queue. Other providers cannot
 * be asked: those rows become `failed` ("interrupted") rather than risk a duplicate text.
 */
@Injectable()
export class CampaignRecoveryService {
  private readonly logger = new Logger(CampaignRecoveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    private readonly sinchSms: SinchSmsProvider,
  ) {}

  async recoverExpired(): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages
          SET status = 'failed', status_reason = 'interrupted', sending_until = NULL, status_updated_at = now()
        WHERE campaign_id IS NOT NULL AND status = 'queued' AND sending_until < now() AND batch_reference IS NULL`,
    );
    const expired = await queryRows<ExpiredBatch>(
      this.dataSource,
      `SELECT DISTINCT channel_id, batch_reference FROM messages
        WHERE campaign_id IS NOT NULL AND status = 'queued' AND sending_until < now() AND batch_reference IS NOT NULL
        LIMIT $1`,
      [BATCHES_PER_PASS],
    );
    for (const batch of expired) {
      try {
        await this.reconcile(batch);
      } catch (error) {
        // The recovery lease stays: another pass retries once it expires.
        this.logger.warn(`Could not reconcile campaign batch ${batch.batch_reference}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async reconcile(batch: ExpiredBatch): Promise<void> {
    // The channel first: an instance that cannot open its secrets must not claim the rows.
    const channel = (await this.channels.webhookContext(batch.channel_id))?.context;
    const claimed = await queryRows<{ id: string; recipient: string }>(
      this.dataSource,
      `UPDATE messages SET sending_until = now() + make_interval(secs => $2)
        WHERE batch_reference = $1 AND status = 'queued' AND sending_until < now()
        RETURNING id, recipient`,
      [batch.batch_reference, RECOVERY_LEASE_SECONDS],
    );
    if (claimed.length === 0) return;
    const ids = claimed.map((row) => row.id);

    const found = await this.lookUp(channel, batch.batch_reference);
    if (found === undefined) {
      await this.dataSource.query(
        `UPDATE messages SET status = 'failed', status_reason = 'interrupted', sending_until = NULL, status_updated_at = now()
          WHERE id = ANY($1::uuid[]) AND status = 'queued'`,
        [ids],
      );
      return;
    }
    const sent = new Map<string, string>();
    for (const record of found) {
      if (record.canceled) continue;
      for (const recipient of record.recipients) sent.set(recipient, record.batchId);
    }
    const reached = claimed.filter((row) => sent.has(row.recipient));
    if (reached.length > 0) {
      await this.dataSource.query(
        `UPDATE messages m
            SET status = CASE WHEN message_status_rank(m.status) < message_status_rank('sent') THEN 'sent' ELSE m.status END,
                provider_batch_id = r.batch_id, sending_until = NULL, next_attempt_at = NULL,
                status_reason = 'Recovered: the provider had the batch', status_updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS r(id, batch_id)
          WHERE m.id = r.id`,
        [reached.map((row) => row.id), reached.map((row) => sent.get(row.recipient) as string)],
      );
    }
    const missed = claimed.filter((row) => !sent.has(row.recipient)).map((row) => row.id);
    if (missed.length > 0) {
      await this.dataSource.query(
        `UPDATE messages SET sending_until = NULL, batch_reference = NULL, next_attempt_at = NULL
          WHERE id = ANY($1::uuid[]) AND status = 'queued'`,
        [missed],
      );
    }
    this.logger.log(`Recovered campaign batch ${batch.batch_reference}: ${reached.length} had been sent, ${missed.length} re-queued`);
  }

  /** The batches the provider knows under this reference, or undefined when it cannot be asked. */
  private async lookUp(channel: ChannelContext | undefined, reference: string): Promise<SinchBatchRecord[] | undefined> {
    if (!channel || channel.provider !== 'sinch-sms') return undefined;
    return this.sinchSms.findBatchesByClientReference(channel as ChannelContext<'sinch-sms'>, reference);
  }
}
