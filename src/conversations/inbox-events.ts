import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { InboxEventFeed } from './inbox-event-feed.js';
import { type InboxEvent, InboxEventLog, type InboxEventType } from './inbox-event-log.js';

export type { InboxEventType } from './inbox-event-log.js';

/**
 * Publishes live inbox updates to the shared event log, so every instance's streams carry them and
 * reconnecting clients can replay them. An event is always logged in the transaction of the change
 * it announces: it exists exactly when the change does, never lost by a crash after the commit nor
 * shown for a change that rolled back.
 */
@Injectable()
export class InboxEvents {
  constructor(
    private readonly log: InboxEventLog,
    private readonly feed: InboxEventFeed,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Runs a change and the logging of its events in one transaction. Once it commits, its NOTIFY wakes
   * every instance's feed; this one reads at once (PGlite has no notifications, only the poll).
   */
  async inTransaction<T>(change: (tx: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(change);
    this.feed.wake();
    return result;
  }

  publish(tx: EntityManager, type: InboxEventType, data: object): Promise<void> {
    return this.log.append([{ type, data }], tx);
  }

  publishMany(tx: EntityManager, events: readonly InboxEvent[]): Promise<void> {
    return this.log.append(events, tx);
  }
}
