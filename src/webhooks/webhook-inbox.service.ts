import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import type { ProviderKind, WebhookEvent } from '../channels/providers/channel-provider.interface.js';

export type StorableEvent = Exclude<WebhookEvent, { type: 'ignored' }>;
/** Events applied before the provider gets its answer: inbound messages and consent changes. */
export type InlineEvent = Exclude<StorableEvent, { type: 'delivery-status' }>;

export interface StoredEvent {
  id: string;
  type: StorableEvent['type'];
}

/**
 * A new event is processed by the request that received it; the retry job only takes it over if
 * that has not happened after this long (the receiving instance crashed or processing failed).
 */
const RECEIVER_LEASE_SECONDS = 30;

/** At most this many events go into one INSERT. */
const MAX_EVENTS_PER_WRITE = 1000;

interface PendingWrite {
  provider: ProviderKind;
  channelId: string;
  events: StorableEvent[];
  resolve(stored: StoredEvent[]): void;
  reject(error: unknown): void;
}

/**
 * The durable inbox. Events are stored keyed on the provider's de-duplication key, so a redelivered
 * event is recognised and never stored (or applied) twice.
 *
 * Requests arriving while a write is under way are stored together by the next one: one INSERT and
 * one commit for many requests instead of one each, as a database's group commit does. Each request
 * still gets its answer only once the statement holding its events has committed.
 */
@Injectable()
export class WebhookInboxService {
  private readonly pending: PendingWrite[] = [];
  private writing = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores the events; returns the ones not seen before, once they are committed. */
  store(provider: ProviderKind, channelId: string, events: StorableEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ provider, channelId, events, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.writePending());
      }
    });
  }

  /** Inline events that are due for a (re)try: never processed, and not held by another attempt. */
  async dueInline(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM webhook_events
        WHERE processed_at IS NULL AND next_attempt_at <= now() AND type <> 'delivery-status'
        ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  private async writePending(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.writeGroup(this.takeGroup());
    } finally {
      this.writing = false;
    }
  }

  private takeGroup(): PendingWrite[] {
    let events = 0;
    let count = 0;
    while (
      count < this.pending.length &&
      (count === 0 || events + this.pending[count].events.length <= MAX_EVENTS_PER_WRITE)
    ) {
      events += this.pending[count].events.length;
      count += 1;
    }
    return this.pending.splice(0, count);
  }

  private async writeGroup(group: PendingWrite[]): Promise<void> {
    let stored: StoredEvent[][];
    try {
      stored = await this.insert(group);
    } catch (error) {
      // One request's unstorable data must not fail the others; an unavailable database fails them all.
      if (group.length > 1 && isDataError(error)) {
        for (const write of group) await this.writeGroup([write]);
      } else {
        for (const write of group) write.reject(error);
      }
      return;
    }
    group.forEach((write, index) => write.resolve(stored[index]));
  }

  /** One statement for the group; the rows it inserted go back to the request that brought them (the first, for a key sent twice). */
  private async insert(group: PendingWrite[]): Promise<StoredEvent[][]> {
    const rows = group.flatMap((write) => write.events.map((event) => ({ write, event })));
    const inserted = await this.dataSource.query<
      Array<{ id: string; type: StorableEvent['type']; provider: ProviderKind; dedup_key: string }>
    >(
      `INSERT INTO webhook_events (provider, channel_id, dedup_key, type, payload, next_attempt_at)
       SELECT e.provider, e.channel_id, e.dedup_key, e.type, e.payload::jsonb, now() + make_interval(secs => ${RECEIVER_LEASE_SECONDS})
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[]) AS e(provider, channel_id, dedup_key, type, payload)
       ON CONFLICT (provider, dedup_key) DO NOTHING
       RETURNING id, type, provider, dedup_key`,
      [
        rows.map((row) => row.write.provider),
        rows.map((row) => row.write.channelId),
        rows.map((row) => row.event.dedupKey),
        rows.map((row) => row.event.type),
        rows.map((row) => JSON.stringify(row.event)),
      ],
    );
    const insertedByKey = new Map(inserted.map((row) => [`${row.provider}\n${row.dedup_key}`, row]));
    const stored = new Map<PendingWrite, StoredEvent[]>(group.map((write) => [write, []]));
    for (const { write, event } of rows) {
      const key = `${write.provider}\n${event.dedupKey}`;
      const row = insertedByKey.get(key);
      if (!row) continue;
      insertedByKey.delete(key);
      stored.get(write)!.push({ id: row.id, type: row.type });
    }
    return group.map((write) => stored.get(write)!);
  }
}

/** A statement refused for what one row held (a data exception or an integrity violation), not for the database being unreachable. */
function isDataError(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23)/.test(code);
}
