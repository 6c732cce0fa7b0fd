import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { InboxEventFeed } from './inbox-event-feed.js';
import { type InboxEvent, InboxEventLog, type InboxEventType } from './inbox-event-log.js';

export type { InboxEventType } from './inbox-event-log.js';

/**
 * Publishes live inbox updates to the shared event log, so every instance's streams carry them and
 * reconnecting clients can replay them. Delivery reports, the volume path, log their events in the
 * transaction that applies them; single changes log theirs right after committing, where a crash in
 * between loses the live event but never the change (clients re-read the inbox on reconnect).
 */
@Injectable()
export class InboxEvents {
  constructor(
    private readonly log: InboxEventLog,
    private readonly feed: InboxEventFeed,
  ) {}

  /** After the change has committed. */
  async publish(type: InboxEventType, data: object): Promise<void> {
    await this.log.append([{ type, data }]);
    this.feed.wake();
  }

  /**
   * In the transaction of the change: the events exist exactly when the change does. Streams get them
   * once it commits (its NOTIFY wakes every instance's feed).
   */
  publishMany(tx: EntityManager, events: readonly InboxEvent[]): Promise<void> {
    return this.log.append(events, tx);
  }
}
