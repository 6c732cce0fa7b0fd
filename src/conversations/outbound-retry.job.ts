import { Injectable } from '@nestjs/common';
import { IntervalJob } from '../common/jobs/interval-job.js';
import { ChannelsService } from '../channels/channels.service.js';
import { MessagesRepository } from './messages.repository.js';
import { OutboundSender, SEND_LEASE_SECONDS, WAITING_FOR_SEND_LIMIT } from './outbound-sender.service.js';

const BATCH = 50;

/**
 * Single messages whose provider was unavailable are retried here, on any instance. A message whose
 * sender crashed mid-call (its lease ran out) may or may not have reached the provider: it is marked
 * failed ("interrupted") rather than risking a duplicate text to a customer.
 */
@Injectable()
export class OutboundRetryJob extends IntervalJob {
  protected readonly intervalMs = 2_000;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly channels: ChannelsService,
    private readonly sender: OutboundSender,
  ) {
    super();
  }

  protected async pass(): Promise<void> {
    await this.sender.failInterrupted();
    // A claimed batch is always finished, even at shutdown: an abandoned claim would be marked
    // "interrupted" when its lease runs out, and never sent.
    for (const row of await this.messages.claimDueSingles(SEND_LEASE_SECONDS, BATCH)) {
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
        const reason = error instanceof Error ? error.message : 'Could not send';
        await this.sender.finish(row.id, 'failed', reason);
      }
    }
  }
}
