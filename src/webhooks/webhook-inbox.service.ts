import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ProviderKind, WebhookEvent } from '../channels/providers/channel-provider.interface.js';

export type StorableEvent = Exclude<WebhookEvent, { type: 'ignored' }>;

/**
 * The durable inbox. Events are stored in one statement keyed on the provider's de-duplication key,
 * so a redelivered event is recognised and never stored (or applied) twice.
 */
/**
 * A new event is processed by the request that received it; the retry job only takes it over if
 * that has not happened after this long (the receiving instance crashed or processing failed).
 */
export const RECEIVER_LEASE_SECONDS = 30;

@Injectable()
export class WebhookInboxService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores the events; returns the ones not seen before. */
  async store(provider: ProviderKind, channelId: string, events: StorableEvent[]): Promise<Array<{ id: string; type: string }>> {
    if (events.length === 0) return [];
    const rows = await this.dataSource.query<Array<{ id: string; type: string }>>(
      `INSERT INTO webhook_events (provider, channel_id, dedup_key, type, payload, next_attempt_at)
       SELECT $1, $2, e.dedup_key, e.type, e.payload::jsonb, now() + make_interval(secs => ${RECEIVER_LEASE_SECONDS})
         FROM unnest($3::text[], $4::text[], $5::text[]) AS e(dedup_key, type, payload)
       ON CONFLICT (provider, dedup_key) DO NOTHING
       RETURNING id, type`,
      [
        provider,
        channelId,
        events.map((event) => event.dedupKey),
        events.map((event) => event.type),
        events.map((event) => JSON.stringify(event)),
      ],
    );
    return rows;
  }

  /** Events that are due for a (re)try: never processed, and not held by another attempt. */
  async due(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM webhook_events WHERE processed_at IS NULL AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }
}
