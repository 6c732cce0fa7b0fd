import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { IntervalJob } from '../common/jobs/interval-job.js';
import { ChannelsService } from '../channels/channels.service.js';
import type { MessageContent } from '../channels/providers/channel-provider.interface.js';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';
import { OutboundSender, SEND_LEASE_SECONDS, WAITING_FOR_SEND_LIMIT } from './outbound-sender.service.js';

const BATCH = 50;

interface ClaimedRow {
  id: string;
  channel_id: string;
  recipient: string;
  content: MessageContent;
  client_reference: string;
  attempts: number;
  status_reason: string | null;
}

/**
 * Single messages whose provider was unavailable are retried here, on any instance. A message whose
 * sender crashed mid-call (its lease ran out) may or may not have reached the provider: it is marked
 * failed ("interrupted") rather than risking a duplicate text to a customer.
 */
@Injectable()
export class OutboundRetryJob extends IntervalJob {
  protected readonly intervalMs = 2_000;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    private readonly sender: OutboundSender,
  ) {
    super();
  }

  protected async pass(): Promise<void> {
    await this.failInterrupted();
    // A claimed batch is always finished, even at shutdown: an abandoned claim would be marked
    // "interrupted" when its lease runs out, and never sent.
    for (const row of await this.claimDue()) {
      try {
        const channel = await this.channels.activeContext(row.channel_id);
        await this.sender.send(channel, {
          id: row.id,
          recipient: row.recipient,
          content: row.content,
          clientReference: row.client_reference,
          attempts: row.attempts,
          reserved: row.status_reason === WAITING_FOR_SEND_LIMIT,
        });
      } catch (error) {
        await this.dataSource.query(
          `WITH changed AS (
             UPDATE messages SET status = 'failed', status_reason = $2, sending_until = NULL, next_attempt_at = NULL, status_updated_at = now()
              WHERE id = $1 AND status = 'queued'
             RETURNING *
           ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
           SELECT 1`,
          [row.id, error instanceof Error ? error.message : 'Could not send'],
        );
      }
    }
  }

  private claimDue(): Promise<ClaimedRow[]> {
    return queryRows<ClaimedRow>(
      this.dataSource,
      `UPDATE messages m
          SET sending_until = now() + make_interval(secs => $1), attempts = m.attempts + 1
        WHERE m.id IN (
          SELECT id FROM messages
           WHERE status = 'queued' AND direction = 'outbound' AND campaign_id IS NULL
             AND sending_until IS NULL AND next_attempt_at <= now()
           ORDER BY next_attempt_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING m.id, m.channel_id, m.recipient, m.content, m.client_reference, m.attempts, m.status_reason`,
      [SEND_LEASE_SECONDS, BATCH],
    );
  }

  private async failInterrupted(): Promise<void> {
    await this.dataSource.query(
      `WITH changed AS (
         UPDATE messages
            SET status = 'failed', status_reason = 'interrupted', sending_until = NULL, status_updated_at = now()
          WHERE status = 'queued' AND direction = 'outbound' AND campaign_id IS NULL AND sending_until < now()
         RETURNING *
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
       SELECT 1`,
    );
  }
}
