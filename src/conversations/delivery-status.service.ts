import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import { InboxEvents } from './inbox-events.js';
import type { WebhookEvent } from '../channels/providers/channel-provider.interface.js';

type DeliveryStatusEvent = Extract<WebhookEvent, { type: 'delivery-status' }>;

/** A report about a message this channel never sent (yet): retried for a while, then dropped. */
export class UnknownMessageError extends Error {
  override readonly name = 'UnknownMessageError';
}

export interface AppliedStatus {
  messageId: string;
  conversationId: string;
  status: string;
}

@Injectable()
export class DeliveryStatusService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: InboxEvents,
  ) {}

  /**
   * Applies a delivery report. The status only moves forward (see message_status_rank), so a late
   * `sent` never overwrites `delivered` and a duplicate report changes nothing.
   */
  async apply(channelId: string, event: DeliveryStatusEvent): Promise<AppliedStatus[]> {
    const match = matchClause(event, 6);
    const updated = await queryRows<{ id: string; conversation_id: string; status: string; status_reason: string | null; error_code: string | null; status_updated_at: Date }>(
      this.dataSource,
      `UPDATE messages
          SET status = $2, status_reason = $3, error_code = $4, provider_status = $5, status_updated_at = now()
        WHERE channel_id = $1 AND direction = 'outbound' AND ${match.sql}
          AND message_status_rank(status) < message_status_rank($2)
        RETURNING id, conversation_id, status, status_reason, error_code, status_updated_at`,
      [channelId, event.status, event.statusReason ?? null, event.errorCode ?? null, event.providerStatus, ...match.params],
    );
    for (const row of updated) {
      this.events.publish('message.status', {
        id: row.id,
        conversationId: row.conversation_id,
        status: row.status,
        statusReason: row.status_reason,
        errorCode: row.error_code,
        statusUpdatedAt: row.status_updated_at.toISOString(),
      });
    }
    if (updated.length > 0) return updated.map((row) => ({ messageId: row.id, conversationId: row.conversation_id, status: row.status }));

    const lookup = matchClause(event, 2);
    const [known] = await this.dataSource.query<Array<{ count: string }>>(
      `SELECT count(*) AS count FROM messages WHERE channel_id = $1 AND direction = 'outbound' AND ${lookup.sql}`,
      [channelId, ...lookup.params],
    );
    if (Number(known.count) === 0) throw new UnknownMessageError('No message matches this delivery report');
    return [];
  }
}

/** How a report finds its message: by the provider's message id, or by batch and recipient (Sinch SMS). */
function matchClause(event: DeliveryStatusEvent, firstParam: number): { sql: string; params: unknown[] } {
  if (event.providerMessageId) return { sql: `provider_message_id = $${firstParam}`, params: [event.providerMessageId] };
  if (event.providerBatchId && event.recipient) {
    return {
      sql: `provider_batch_id = $${firstParam} AND recipient = $${firstParam + 1}`,
      params: [event.providerBatchId, event.recipient],
    };
  }
  throw new UnknownMessageError('The report names neither a message id nor a batch and recipient');
}
