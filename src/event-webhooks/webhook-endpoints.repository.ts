import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { queryRows } from '../database/query-rows.js';
import type { EventFilter } from './outbox.js';

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: EventFilter[];
  secret_sealed: string;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface EndpointChanges {
  url?: string;
  description?: string | null;
  events?: EventFilter[];
  enabled?: boolean;
}

const COLUMNS =
  'id, url, description, events, secret_sealed, enabled, disabled_reason, failing_since, created_at, updated_at';

@Injectable()
export class WebhookEndpointsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(input: {
    url: string;
    description: string | null;
    events: EventFilter[];
    secretSealed: string;
  }): Promise<EndpointRow> {
    const [row] = await queryRows<EndpointRow>(
      this.db,
      `INSERT INTO webhook_endpoints (url, description, events, secret_sealed) VALUES ($1, $2, $3, $4)
       RETURNING ${COLUMNS}`,
      [input.url, input.description, input.events, input.secretSealed],
    );
    return row;
  }

  list(limit: number, after?: { at: string; id: string }): Promise<EndpointRow[]> {
    return queryRows<EndpointRow>(
      this.db,
      `SELECT ${COLUMNS} FROM webhook_endpoints
        WHERE ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit + 1, after?.at ?? null, after?.id ?? null],
    );
  }

  async find(id: string): Promise<EndpointRow | undefined> {
    const [row] = await queryRows<EndpointRow>(
      this.db,
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = $1`,
      [id],
    );
    return row;
  }

  /** Enabling an endpoint clears why it was disabled and its run of failures. */
  async update(id: string, changes: EndpointChanges): Promise<EndpointRow | undefined> {
    const [row] = await queryRows<EndpointRow>(
      this.db,
      `UPDATE webhook_endpoints
          SET url = coalesce($2, url),
              description = CASE WHEN $3 THEN $4 ELSE description END,
              events = coalesce($5, events),
              enabled = coalesce($6, enabled),
              disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason WHEN $6 THEN NULL ELSE 'disabled by an admin' END,
              failing_since = CASE WHEN $6 THEN NULL ELSE failing_since END,
              updated_at = now()
        WHERE id = $1
        RETURNING ${COLUMNS}`,
      [
        id,
        changes.url ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.events ?? null,
        changes.enabled ?? null,
      ],
    );
    return row;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}
