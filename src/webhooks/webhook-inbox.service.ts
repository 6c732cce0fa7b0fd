import { Injectable } from '@nestjs/common';

import type { ProviderKind } from '../channels/providers/channel-provider.interface.js';
import { isDataError } from '../database/postgres-errors.js';
import { type StorableEvent, WebhookEventsRepository } from './webhook-events.repository.js';

export interface StoredEvent {
  id: string;
  type: StorableEvent['type'];
}

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

  constructor(private readonly events: WebhookEventsRepository) {}

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
    const inserted = await this.events.insertNew(
      rows.map(({ write, event }) => ({ provider: write.provider, channelId: write.channelId, event })),
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
