/**
 * Dashboard benchmark. Seeds MESSAGES messages set-based into a fresh PostgreSQL database, spread
 * evenly over the last DAYS days (in and out, every outcome, two channels) and ending with a paused
 * campaign of CAMPAIGN_RECIPIENTS messages sent earlier today; starts the built server on it, lets
 * its rollup job count the seeded week (the state is reset as after an upgrade, and the bench waits
 * for the job's next pass), then times REQUESTS sequential `GET /api/v1/dashboard` over HTTP.
 * Prints one JSON line with p50/p95 beside the goal (p95 ≤ 50 ms at 1,000,000 messages).
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:dashboard
 * Options (env): MESSAGES (1000000), DAYS (60), CAMPAIGN_RECIPIENTS (50000), REQUESTS (200),
 * WARMUP (20), LOG_LEVEL (warn).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import pg from 'pg';
import { Pool } from 'undici';

import { Api } from './support/api.js';
import { type AppProcess, startAppProcess } from './support/app-process.js';
import { benchLogger, round, runBench } from './support/format.js';
import { createFreshDatabase, type FreshDatabase, requirePostgresUrl } from './support/fresh-database.js';
import { timeRead } from './support/http-timing.js';

const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000);
const DAYS = Number(process.env.DAYS ?? 60);
const CAMPAIGN_RECIPIENTS = Number(process.env.CAMPAIGN_RECIPIENTS ?? 50_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 20);
const TARGET_P95_MS = 50;
const ROLLUP_WAIT_MS = 120_000;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-1234' };
const log = benchLogger('dashboard');

if (CAMPAIGN_RECIPIENTS >= MESSAGES) throw new Error('CAMPAIGN_RECIPIENTS must be below MESSAGES');

/**
 * CAMPAIGN_RECIPIENTS contacts, each with a conversation on one of the two channels. The messages
 * before the campaign's go round those conversations, a fifth inbound, outbound ones mostly
 * delivered (some read, sent, failed), created in order from DAYS days ago to now; the campaign's
 * messages, one per contact, were created between midnight (UTC) and now, still a quarter queued.
 */
async function seed(db: pg.Client, channelIds: string[]): Promise<string> {
  const history = MESSAGES - CAMPAIGN_RECIPIENTS;
  await db.query(
    `INSERT INTO contacts (phone) SELECT '+1415' || lpad(g::text, 7, '0') FROM generate_series(1, $1::int) g`,
    [CAMPAIGN_RECIPIENTS],
  );
  await db.query(
    `INSERT INTO conversations (contact_id, channel_id)
     SELECT id, ($1::uuid[])[1 + substr(phone, 6)::int % 2] FROM contacts`,
    [channelIds],
  );
  await db.query(
    `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, content, status, created_at, status_updated_at)
     SELECT CASE WHEN g % 5 = 0 THEN 'inbound' ELSE 'outbound' END, cv.channel_id, cv.contact_id, cv.id,
            '{"kind":"text","text":"Hello from the dashboard bench"}',
            CASE WHEN g % 5 = 0 THEN 'received' WHEN g % 17 = 0 THEN 'failed' WHEN g % 11 = 0 THEN 'sent'
                 WHEN g % 7 = 0 THEN 'read' ELSE 'delivered' END,
            at, at
       FROM generate_series(1, $1::int) g
       JOIN LATERAL (SELECT now() - make_interval(secs => ($1::int - g) * ($2::int * 86400.0 / $1::int)) AS at) t ON true
       JOIN (SELECT id, contact_id, channel_id, row_number() OVER (ORDER BY id) - 1 AS n FROM conversations) cv
         ON cv.n = g % $3::int`,
    [history, DAYS, CAMPAIGN_RECIPIENTS],
  );
  const {
    rows: [campaign],
  } = await db.query<{ id: string }>(
    `INSERT INTO campaigns (name, channel_id, message, audience, status, total, started_at)
     VALUES ('Bench campaign', $1, '{"kind":"text","text":"Hi"}', '{"tags":["bench"]}', 'paused', $2, date_trunc('day', now(), 'UTC'))
     RETURNING id`,
    [channelIds[0], CAMPAIGN_RECIPIENTS],
  );
  await db.query(
    `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, content, status, created_at, status_updated_at)
     SELECT 'outbound', $2, cv.contact_id, cv.id, $1, '{"kind":"text","text":"Hi"}',
            CASE WHEN n % 4 = 0 THEN 'queued' WHEN n % 4 = 1 THEN 'sent' ELSE 'delivered' END, at, at
       FROM (SELECT id, contact_id, row_number() OVER (ORDER BY id) AS n FROM conversations) cv,
            LATERAL (SELECT date_trunc('day', now(), 'UTC')
                            + (now() - date_trunc('day', now(), 'UTC')) * (n::float8 / $3::int) AS at) t`,
    [campaign.id, channelIds[0], CAMPAIGN_RECIPIENTS],
  );
  await db.query('VACUUM ANALYZE contacts, conversations, messages, campaigns');
  return campaign.id;
}

async function main(): Promise<void> {
  const server = requirePostgresUrl('dashboard');
  const loadBefore = loadavg()[0];
  let database: FreshDatabase | undefined;
  let app: AppProcess | undefined;
  let db: pg.Client | undefined;
  try {
    database = await createFreshDatabase(server, 'switchboard_bench_dashboard');
    app = await startAppProcess({ databaseUrl: database.url, admin: ADMIN });
    const api = new Api(app.url);
    await api.login(ADMIN.email, ADMIN.password);
    const channels = await Promise.all(
      ['Bench dashboard A', 'Bench dashboard B'].map((name) =>
        api.call<{ id: string }>('POST', '/channels', {
          name,
          provider: 'sandbox',
          sender: '+12025550142',
          config: {},
        }),
      ),
    );
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    log(`seeding ${MESSAGES} messages over ${DAYS} days into ${database.name}`);
    const started = performance.now();
    await seed(
      db,
      channels.map((channel) => channel.id),
    );
    const seedSeconds = (performance.now() - started) / 1000;

    // The job's earlier passes ran before the seeding: make the next one count the whole week again.
    await db.query(`UPDATE message_rollup_state SET rolled_until = '-infinity'`);
    log(`seeded in ${round(seedSeconds)} s; waiting for the rollup job's next pass`);
    const waitStarted = performance.now();
    for (;;) {
      const { rows } = await db.query<{ rolled: boolean }>(
        `SELECT rolled_until > '-infinity' AS rolled FROM message_rollup_state`,
      );
      if (rows[0].rolled) break;
      if (performance.now() - waitStarted > ROLLUP_WAIT_MS) throw new Error('the rollup job did not run');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const {
      rows: [sizes],
    } = await db.query<{
      rollup_rows: string;
      week_messages: string;
      live_messages: string;
      brin_kb: string;
    }>(
      `SELECT (SELECT count(*) FROM message_hourly_counts) AS rollup_rows,
              (SELECT count(*) FROM messages WHERE created_at >= date_trunc('day', now(), 'UTC') - interval '6 days') AS week_messages,
              (SELECT count(*) FROM messages WHERE created_at >= (SELECT rolled_until FROM message_rollup_state)) AS live_messages,
              pg_relation_size('messages_created_at_brin') / 1024 AS brin_kb`,
    );
    log(`rolled up; timing ${REQUESTS} requests`);

    const pool = new Pool(app.url, { connections: 1 });
    const latency = await timeRead(
      pool,
      api.authorization(),
      { name: 'dashboard', path: () => '/api/v1/dashboard' },
      { requests: REQUESTS, warmup: WARMUP },
    );
    await pool.close();

    process.stdout.write(
      `${JSON.stringify({
        bench: 'dashboard',
        database: 'postgresql',
        messages: MESSAGES,
        days: DAYS,
        weekMessages: Number(sizes.week_messages),
        liveMessages: Number(sizes.live_messages),
        rollupRows: Number(sizes.rollup_rows),
        brinIndexKb: Number(sizes.brin_kb),
        requests: REQUESTS,
        latencyMs: { p50: latency.p50, p95: latency.p95, max: latency.max },
        targetP95Ms: TARGET_P95_MS,
        targetMet: latency.p95 <= TARGET_P95_MS,
        seedSeconds: round(seedSeconds),
        loadAverageBefore: round(loadBefore),
        node: process.version,
      })}\n`,
    );
  } finally {
    await db?.end().catch(() => undefined);
    await app?.stop();
    await database?.drop().catch((error: unknown) => log(`could not drop the database: ${String(error)}`));
  }
}

runBench(main);
