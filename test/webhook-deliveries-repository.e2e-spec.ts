import { randomUUID } from 'node:crypto';

import type { DataSource } from 'typeorm';

import { queryRows } from '../src/database/query-rows.js';
import { WebhookDeliveriesRepository } from '../src/event-webhooks/webhook-deliveries.repository.js';
import { createMigratedDatabase, type MigratedDatabase } from './support/migrated-database.js';

/** An endpoint's delivery log read page by page, against a real database (PostgreSQL or PGlite). */
describe('Webhook deliveries repository', () => {
  let database: MigratedDatabase;
  let db: DataSource;
  let deliveries: WebhookDeliveriesRepository;

  beforeAll(async () => {
    database = await createMigratedDatabase(2);
    db = database.dataSource;
    deliveries = new WebhookDeliveriesRepository(db);
  });

  afterAll(async () => {
    await database.destroy();
  });

  /**
   * Twelve deliveries to one endpoint (and as many to another): succeeded after one or two
   * attempts, pending with a failed attempt, and pending never attempted; times spread so that
   * attempts and unattempted deliveries interleave.
   */
  async function seedEndpoint(): Promise<string> {
    const endpoint = randomUUID();
    const other = randomUUID();
    await db.query(
      `INSERT INTO webhook_endpoints (id, url, events, secret_sealed)
       VALUES ($1, 'https://example.com/hook', '{*}', 'sealed'), ($2, 'https://example.com/other', '{*}', 'sealed')`,
      [endpoint, other],
    );
    await db.query(
      `WITH events AS (
         INSERT INTO outbound_events (type, data)
         SELECT 'message.status', jsonb_build_object('n', n) FROM generate_series(0, 11) AS n
         RETURNING id, seq),
       numbered AS (SELECT id, seq, row_number() OVER (ORDER BY seq) - 1 AS n FROM events),
       inserted AS (
         INSERT INTO webhook_deliveries (endpoint_id, event_id, event_seq, status, attempts, created_at)
         SELECT e.endpoint, n.id, n.seq,
                CASE WHEN n.n % 4 IN (0, 1) THEN 'succeeded' ELSE 'pending' END,
                CASE WHEN n.n % 4 = 3 THEN 0 WHEN n.n % 4 = 1 THEN 2 ELSE 1 END,
                now() - make_interval(mins => (60 - n.n * 4)::int)
           FROM numbered n CROSS JOIN (VALUES ($1::uuid), ($2::uuid)) AS e(endpoint)
         RETURNING id, endpoint_id, attempts, status, created_at)
       INSERT INTO webhook_delivery_attempts (delivery_id, endpoint_id, attempt, succeeded, response_status, duration_ms, at)
       SELECT i.id, i.endpoint_id, a, i.status = 'succeeded' AND a = i.attempts, 200, 5,
              i.created_at + make_interval(secs => a * 90)
         FROM inserted i CROSS JOIN LATERAL generate_series(1, i.attempts) AS a`,
      [endpoint, other],
    );
    return endpoint;
  }

  it('pages attempts and unattempted deliveries newest first, without gaps or repeats', async () => {
    const endpoint = await seedEndpoint();
    const expected = await queryRows<{ id: string; status: string }>(
      db,
      `SELECT id, status FROM (
         SELECT a.id, CASE WHEN a.succeeded THEN 'succeeded' ELSE 'failed' END AS status, a.at
           FROM webhook_delivery_attempts a WHERE a.endpoint_id = $1
         UNION ALL
         SELECT d.id, 'pending', d.created_at FROM webhook_deliveries d
          WHERE d.endpoint_id = $1 AND d.status = 'pending'
            AND NOT EXISTS (SELECT 1 FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id)
       ) x ORDER BY at DESC, id DESC`,
      [endpoint],
    );
    expect(expected).toHaveLength(15);

    const seen: Array<{ id: string; status: string }> = [];
    let after: { at: string; id: string } | undefined;
    for (;;) {
      const rows = await deliveries.listAttempts(endpoint, 4, after);
      const page = rows.slice(0, 4);
      seen.push(...page.map((row) => ({ id: row.id, status: row.status })));
      if (rows.length <= 4) break;
      const last = page[page.length - 1];
      after = { at: last.at.toISOString(), id: last.id };
    }

    expect(seen).toEqual(expected);
  });
});
