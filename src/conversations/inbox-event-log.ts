import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { deleteInBatches } from '../common/jobs/delete-in-batches.js';
import { queryRows } from '../database/query-rows.js';

export type InboxEventType = 'message.created' | 'message.status' | 'conversation.updated' | 'note.created';

export interface InboxEvent {
  type: InboxEventType;
  data: object;
}

/** An event as stored: `id` increases with every event and is the SSE event id. */
export interface LoggedInboxEvent extends InboxEvent {
  id: number;
}

/** PostgreSQL channel on which appends are announced; the payload is not used. */
export const INBOX_EVENTS_CHANNEL = 'inbox_events';

interface EventRow {
  id: string;
  type: InboxEventType;
  data: object;
}

/** The one owner of `inbox_events`. */
@Injectable()
export class InboxEventLog {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends the events in one statement, in `tx` when given, and announces them (NOTIFY is delivered
   * at commit).
   */
  async append(events: readonly InboxEvent[], tx?: EntityManager): Promise<void> {
    if (events.length === 0) return;
    await (tx ?? this.dataSource).query(
      `WITH appended AS (
         INSERT INTO inbox_events (type, data)
         SELECT type, data FROM unnest($1::text[], $2::jsonb[]) AS e(type, data)
         RETURNING id)
       SELECT pg_notify('${INBOX_EVENTS_CHANNEL}', max(id)::text) FROM appended`,
      [events.map((event) => event.type), events.map((event) => JSON.stringify(event.data))],
    );
  }

  /** Events after `id`, oldest first. */
  async after(id: number, limit: number): Promise<LoggedInboxEvent[]> {
    const rows = await queryRows<EventRow>(
      this.dataSource,
      `SELECT id, type, data FROM inbox_events WHERE id > $1 ORDER BY id LIMIT $2`,
      [id, limit],
    );
    return rows.map(toEvent);
  }

  /** Those of `ids` that exist, oldest first. */
  async withIds(ids: readonly number[]): Promise<LoggedInboxEvent[]> {
    const rows = await queryRows<EventRow>(
      this.dataSource,
      `SELECT id, type, data FROM inbox_events WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
    return rows.map(toEvent);
  }

  async lastId(): Promise<number> {
    const [row] = await queryRows<{ id: string | null }>(
      this.dataSource,
      `SELECT max(id) AS id FROM inbox_events`,
    );
    return Number(row.id ?? 0);
  }

  /** Deletes events created more than `minutes` ago, in batches, until done or `stop()`; answers how many. */
  deleteOlderThan(minutes: number, stop: () => boolean): Promise<number> {
    return deleteInBatches(
      this.dataSource,
      {
        table: 'inbox_events',
        key: 'id',
        where: `created_at < now() - make_interval(mins => $1)`,
        params: [minutes],
      },
      stop,
    );
  }
}

const toEvent = (row: EventRow): LoggedInboxEvent => ({ id: Number(row.id), type: row.type, data: row.data });
