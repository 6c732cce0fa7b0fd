/**
 * Seeds 100,000 conversations (and their contacts) set-based into a fresh database and prints the
 * query plan of each inbox list query, to show that an index serves every one of them.
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:explain-inbox
 */
import 'reflect-metadata';

import { Client } from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';

import { Conversation } from '../src/conversations/conversation.entity.js';
import { ConversationsRepository } from '../src/conversations/conversations.repository.js';
import { ConversationsService } from '../src/conversations/conversations.service.js';
import { InboxEventFeed } from '../src/conversations/inbox-event-feed.js';
import { InboxEventLog } from '../src/conversations/inbox-event-log.js';
import { InboxEvents } from '../src/conversations/inbox-events.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { withDatabase } from '../src/database/database-url.js';
import { runMigrations } from '../src/database/run-migrations.js';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 100_000);

class CapturingLogger implements TypeOrmLogger {
  readonly queries: Array<{ sql: string; params: unknown[] }> = [];
  logQuery(sql: string, params?: unknown[]) {
    if (/^SELECT/i.test(sql.trim())) this.queries.push({ sql, params: params ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('Set DATABASE_URL to a PostgreSQL server');
  const name = `switchboard_explain_${Date.now()}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const logger = new CapturingLogger();
  const dataSource = await new DataSource({
    ...dataSourceOptions(withDatabase(server, name)),
    logging: true,
    logger,
  }).initialize();
  try {
    await runMigrations(dataSource);
    await dataSource.query(`INSERT INTO channels (name, provider, sender, encrypted_secrets, webhook_token)
      SELECT 'bench ' || g, 'sandbox', '+12025550142', 'x', 'token-' || g FROM generate_series(1, 4) g`);
    await dataSource.query(
      `INSERT INTO contacts (phone, name) SELECT '+1415' || lpad(g::text, 7, '0'), 'Contact ' || g FROM generate_series(1, $1) g`,
      [CONVERSATIONS],
    );
    await dataSource.query(
      `WITH numbered AS (SELECT id, row_number() OVER () AS n FROM contacts),
            channel_list AS (SELECT array_agg(id ORDER BY id) AS ids FROM channels)
       INSERT INTO conversations (contact_id, channel_id, status, last_message_at, unread_count)
       SELECT numbered.id, channel_list.ids[1 + (n % 4)],
              (ARRAY['open','open','closed','archived'])[1 + (n % 4)],
              now() - make_interval(secs => n), 0
         FROM numbered, channel_list`,
    );
    await dataSource.query('ANALYZE');
    const [channel] = await dataSource.query<Array<{ id: string }>>(`SELECT id FROM channels LIMIT 1`);
    const eventLog = new InboxEventLog(dataSource);
    const service = new ConversationsService(
      new ConversationsRepository(dataSource.getRepository(Conversation), dataSource),
      new InboxEvents(eventLog, new InboxEventFeed(eventLog, dataSource), dataSource),
    );

    const first = await service.list({}, 50);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['first page', () => service.list({}, 50)],
      [
        'deep cursor page',
        async () => {
          let page = first;
          for (let i = 0; i < 20 && page.nextCursor; i += 1)
            page = await service.list({}, 50, page.nextCursor);
          logger.queries.length = 0;
          return service.list({}, 50, page.nextCursor ?? undefined);
        },
      ],
      ['status filter', () => service.list({ status: 'open' }, 50)],
      ['channel filter', () => service.list({ channelId: channel.id }, 50)],
      ['search by name', () => service.list({ search: 'Contact 4242' }, 50)],
      ['search by number', () => service.list({ search: '(415) 000-4242' }, 50)],
    ];
    for (const [label, run] of cases) {
      logger.queries.length = 0;
      await run();
      const { sql, params } = logger.queries.at(-1)!;
      const plan = await dataSource.query<Array<{ 'QUERY PLAN': string }>>(
        `EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) ${sql}`,
        params,
      );
      process.stdout.write(`\n== ${label} ==\n${plan.map((row) => row['QUERY PLAN']).join('\n')}\n`);
    }
  } finally {
    await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
