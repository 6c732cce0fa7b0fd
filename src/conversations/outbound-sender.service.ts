import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  ChannelContext,
  MessageContent,
  SendResult,
} from '../channels/providers/channel-provider.interface.js';
import { SendFailurePolicy } from '../channels/providers/send-failure-policy.js';
import { ProviderRegistry } from '../channels/providers/provider-registry.js';
import { SendBudget } from '../channels/send-budget.js';
import { channelLimit } from '../channels/send-limits.js';
import { MetricsService } from '../health/metrics.service.js';
import { queryRows } from '../database/query-rows.js';
import { messageJson, outboxInsert } from '../event-webhooks/outbox.js';

/**
 * A single message goes to the provider at most 5 times; one that may have arrived is failed as
 * interrupted (the agent sees why and can resend) rather than risk texting the customer twice.
 */
const SEND_FAILURES = new SendFailurePolicy({
  maxAttempts: 5,
  baseDelayMs: 10_000,
  maxDelayMs: 5 * 60_000,
  canReconcile: false,
});

/** The reason a message waiting for its channel's send limit shows; it also marks its moment as reserved. */
interface ClaimedMessage {
  id: string;
  recipient: string;
  content: MessageContent;
  client_reference: string;
  attempts: number;
}

/** How long one instance may hold a message while handing it to the provider (retries included). */
export const SEND_LEASE_SECONDS = 120;

export const WAITING_FOR_SEND_LIMIT = 'Waiting for the channel’s sending limit';

export interface PendingMessage {
  id: string;
  recipient: string;
  content: MessageContent;
  clientReference: string;
  attempts: number;
  /** Its moment under the channel's send limit is already reserved (see waitForBudget). */
  reserved?: boolean;
}

/**
 * Hands one already-claimed message (status `queued`, `sending_until` set) to its provider and
 * records the outcome. A transient failure leaves it `queued` with a later `next_attempt_at`.
 */
@Injectable()
export class OutboundSender {
  private readonly logger = new Logger(OutboundSender.name);

  constructor(
    private readonly providers: ProviderRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly budget: SendBudget,
  ) {}

  async send(channel: ChannelContext, message: PendingMessage): Promise<void> {
    if (!message.reserved) {
      const waitMs = await this.budget.reserve(channelLimit(channel.id, channel.config.maxPerSecond), 1);
      if (waitMs > 0) {
        await this.waitForBudget(message.id, waitMs);
        this.sendWhenDue(channel, message.id, waitMs);
        return;
      }
    }
    let result: SendResult;
    const timed = this.metrics.timeDispatch(channel.provider, 'single');
    try {
      [result] = await this.providers.get(channel.provider).send(channel, {
        clientReference: message.clientReference,
        recipients: [{ messageId: message.id, to: message.recipient, content: message.content }],
      });
    } catch (error) {
      await this.recordFailure(channel, message, error);
      return;
    } finally {
      timed();
    }
    if (result.outcome === 'accepted') {
      await this.dataSource.query(
        `WITH before AS (SELECT id, status FROM messages WHERE id = $1 FOR UPDATE),
         changed AS (
           UPDATE messages m
              SET status = CASE WHEN message_status_rank(m.status) < message_status_rank('sent') THEN 'sent' ELSE m.status END,
                  provider_message_id = $2, provider_batch_id = $3, sending_until = NULL, next_attempt_at = NULL, status_reason = NULL,
                  status_updated_at = now()
             FROM before b WHERE m.id = b.id
           RETURNING m.*, b.status AS old_status
         ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'), 'm.status <> m.old_status')})
         SELECT 1`,
        [message.id, result.providerMessageId ?? null, result.providerBatchId ?? null],
      );
      this.metrics.countSends(channel, 'single', 'sent');
    } else {
      await this.finish(message.id, 'rejected', result.reason, result.errorCode);
      this.metrics.countSends(channel, 'single', 'rejected');
    }
  }

  /**
   * The channel's send limit is taken for now: the message keeps the moment reserved for it, stays
   * `queued`, and the retry job sends it then without reserving again. Waiting is not an attempt, so
   * it gives the attempt back.
   */
  private async waitForBudget(id: string, waitMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages
          SET sending_until = NULL, attempts = greatest(attempts - 1, 0),
              next_attempt_at = now() + make_interval(secs => $2 / 1000.0), status_reason = $3
        WHERE id = $1 AND status = 'queued'`,
      [id, waitMs, WAITING_FOR_SEND_LIMIT],
    );
  }

  /**
   * Sends a message at the moment reserved for it, if no instance's retry job (the fallback, should
   * this process stop first) has claimed it by then.
   */
  private sendWhenDue(channel: ChannelContext, id: string, waitMs: number): void {
    setTimeout(() => {
      void this.claimReserved(id)
        .then((message) => (message ? this.send(channel, message) : undefined))
        .catch((error: unknown) => {
          this.logger.warn({ err: error, messageId: id }, 'A message waiting for its send limit failed');
        });
    }, waitMs).unref();
  }

  private async claimReserved(id: string): Promise<PendingMessage | undefined> {
    const [row] = await queryRows<ClaimedMessage>(
      this.dataSource,
      `UPDATE messages SET sending_until = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE id = $1 AND status = 'queued' AND sending_until IS NULL
        RETURNING id, recipient, content, client_reference, attempts`,
      [id, SEND_LEASE_SECONDS],
    );
    return (
      row && {
        id: row.id,
        recipient: row.recipient,
        content: row.content,
        clientReference: row.client_reference,
        attempts: row.attempts,
        reserved: true,
      }
    );
  }

  private async recordFailure(
    channel: ChannelContext,
    message: PendingMessage,
    error: unknown,
  ): Promise<void> {
    const decision = SEND_FAILURES.decide(error, message.attempts);
    switch (decision.action) {
      case 'retry':
        await this.dataSource.query(
          `UPDATE messages SET sending_until = NULL, next_attempt_at = now() + make_interval(secs => $2), status_reason = $3 WHERE id = $1`,
          [message.id, decision.delayMs / 1000, decision.reason],
        );
        this.metrics.countSends(channel, 'single', 'retry');
        return;
      case 'refused':
        await this.finish(message.id, 'failed', decision.reason, decision.errorCode);
        break;
      case 'reconcile':
        // Not offered for single messages (canReconcile: false); kept exhaustive.
        await this.finish(message.id, 'failed', decision.reason);
        break;
      case 'final':
        if (decision.unexpected)
          this.logger.error({ err: error, messageId: message.id }, 'Unexpected error while sending');
        await this.finish(message.id, decision.status, decision.reason, decision.errorCode);
    }
    this.metrics.countSends(channel, 'single', 'failed');
  }

  private async finish(
    id: string,
    status: 'failed' | 'rejected',
    reason: string,
    errorCode?: string,
  ): Promise<void> {
    await this.dataSource.query(
      `WITH changed AS (
         UPDATE messages SET status = $2, status_reason = $3, error_code = $4, sending_until = NULL, next_attempt_at = NULL,
                status_updated_at = now()
          WHERE id = $1 AND status = 'queued'
         RETURNING *
       ), event AS (${outboxInsert('message.status', 'changed m', messageJson('m'))})
       SELECT 1`,
      [id, status, reason.slice(0, 1000), errorCode ?? null],
    );
  }
}
