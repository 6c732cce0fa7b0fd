import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
import { InboxEvents } from './inbox-events.js';
import type { Message } from './message.entity.js';
import { messageStatusEvent } from './message-status-event.js';
import { MessagesRepository } from './messages.repository.js';

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

/** How long one instance may hold a message while handing it to the provider (retries included). */
export const SEND_LEASE_SECONDS = 120;

/** The reason a message waiting for its channel's send limit shows; it also marks its moment as reserved. */
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
 * records the outcome, with its `message.status` inbox event in the same transaction. A transient
 * failure leaves it `queued` with a later `next_attempt_at`.
 */
@Injectable()
export class OutboundSender {
  private readonly logger = new Logger(OutboundSender.name);

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly messages: MessagesRepository,
    private readonly metrics: MetricsService,
    private readonly budget: SendBudget,
    private readonly events: InboxEvents,
  ) {}

  /** Answers the message as recorded after the attempt. */
  async send(channel: ChannelContext, message: PendingMessage): Promise<Message | null> {
    if (!message.reserved) {
      const waitMs = await this.budget.reserve(channelLimit(channel.id, channel.config.maxPerSecond), 1);
      if (waitMs > 0) {
        // The send limit is taken for now: the message keeps the moment reserved for it and stays
        // queued; it is sent then (or by the retry job, should this process stop first).
        const waiting = await this.record(message.id, (tx) =>
          this.messages.waitForSendLimit(tx, message.id, waitMs, WAITING_FOR_SEND_LIMIT),
        );
        this.sendWhenDue(channel, message.id, waitMs);
        return waiting;
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
      return await this.recordFailure(channel, message, error);
    } finally {
      timed();
    }
    if (result.outcome === 'accepted') {
      const sent = await this.record(message.id, (tx) =>
        this.messages.recordAccepted(
          tx,
          message.id,
          result.providerMessageId ?? null,
          result.providerBatchId ?? null,
        ),
      );
      this.metrics.countSends(channel, 'single', 'sent');
      return sent;
    }
    const rejected = await this.finish(message.id, 'rejected', result.reason, result.errorCode);
    this.metrics.countSends(channel, 'single', 'rejected');
    return rejected;
  }

  /** Ends a queued message as failed or rejected. */
  finish(
    id: string,
    status: 'failed' | 'rejected',
    reason: string,
    errorCode?: string,
  ): Promise<Message | null> {
    return this.record(id, (tx) => this.messages.finishQueued(tx, id, status, reason, errorCode));
  }

  /**
   * Fails as interrupted every single message whose sender's lease ran out: it may or may not have
   * reached the provider, and a customer is never texted twice.
   */
  async failInterrupted(): Promise<void> {
    await this.events.inTransaction(async (tx) => {
      const changed = await this.messages.failInterruptedSingles(tx);
      await this.events.publishMany(
        tx,
        changed.map((row) => ({ type: 'message.status' as const, data: messageStatusEvent(row) })),
      );
    });
  }

  /** Writes a change to the message and its `message.status` event in one transaction; answers the message. */
  private record(id: string, change: (tx: EntityManager) => Promise<void>): Promise<Message | null> {
    return this.events.inTransaction(async (tx) => {
      await change(tx);
      const message = await this.messages.findById(id, tx);
      if (message) await this.events.publish(tx, 'message.status', messageStatusEvent(message));
      return message;
    });
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
    const row = await this.messages.claimReserved(id, SEND_LEASE_SECONDS);
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
  ): Promise<Message | null> {
    const decision = SEND_FAILURES.decide(error, message.attempts);
    if (decision.action === 'retry') {
      const retrying = await this.record(message.id, (tx) =>
        this.messages.scheduleRetry(tx, message.id, decision.delayMs, decision.reason),
      );
      this.metrics.countSends(channel, 'single', 'retry');
      return retrying;
    }
    this.metrics.countSends(channel, 'single', 'failed');
    switch (decision.action) {
      case 'refused':
        return this.finish(message.id, 'failed', decision.reason, decision.errorCode);
      case 'reconcile':
        // Not offered for single messages (canReconcile: false); kept exhaustive.
        return this.finish(message.id, 'failed', decision.reason);
      case 'final':
        if (decision.unexpected)
          this.logger.error({ err: error, messageId: message.id }, 'Unexpected error while sending');
        return this.finish(message.id, decision.status, decision.reason, decision.errorCode);
    }
  }
}
