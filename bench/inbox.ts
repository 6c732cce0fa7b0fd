/**
 * Inbox read benchmark. Seeds CONVERSATIONS conversations (one contact each) and MESSAGES messages
 * set-based into a fresh PostgreSQL database, starts the built server on it, logs in, and times
 * REQUESTS sequential requests of each inbox read over HTTP: the first page of the conversation
 * list, a page deep in it (a cursor half-way down), a search by name and by number, and a thread
 * page. Prints one JSON line with p50/p95 per read.
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:inbox
 * Options (env): CONVERSATIONS (100000), MESSAGES (1000000), REQUESTS (200), WARMUP (20), LOG_LEVEL (warn).
 */
import 'reflect-metadata';

import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import pg from 'pg';
import { Pool } from 'undici';

import { encodeCursor } from '../src/common/pagination/cursor.js';
import { Api } from './support/api.js';
import { type AppProcess, startAppProcess } from './support/app-process.js';
import { benchLogger, type LatencySummary, round, runBench } from './support/format.js';
import { createFreshDatabase, type FreshDatabase, requirePostgresUrl } from './support/fresh-database.js';
import { type TimedRead, timeRead } from './support/http-timing.js';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 100_000);
const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 20);
const PAGE_SIZE = 50;
const TARGET_P95_MS = 20;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-1234' };
const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Frances',
  'Dennis',
  'Radia',
  'John',
  'Sophie',
  'Tim',
  'Hedy',
  'Linus',
  'Katherine',
  'Guido',
  'Annie',
  'Bjarne',
];
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Allen',
  'Ritchie',
  'Perlman',
  'McCarthy',
  'Wilson',
  'Berners',
  'Lamarr',
  'Torvalds',
  'Johnson',
  'Rossum',
  'Easley',
  'Stroustrup',
];

const log = benchLogger('inbox');

if (MESSAGES < CONVERSATIONS)
  throw new Error('MESSAGES must be at least CONVERSATIONS (every conversation has a message)');

/**
 * Contact g: +1415 and g in seven digits, a first and last name from the lists (so a name search
 * finds a few hundred contacts), one conversation on one of two channels, and MESSAGES/CONVERSATIONS
 * messages a minute apart, alternating in and out; the conversation's activity is its last message.
 */
async function seed(db: pg.Client, channelIds: string[]): Promise<void> {
  const perConversation = Math.floor(MESSAGES / CONVERSATIONS);
  await db.query(
    `INSERT INTO contacts (phone, name, first_name, last_name)
     SELECT '+1415' || lpad(g::text, 7, '0'), f || ' ' || l, f, l
       FROM generate_series(1, $1::int) g,
            LATERAL (SELECT ($2::text[])[1 + g % 20] AS f, ($3::text[])[1 + (g / 20) % 20] AS l) names`,
    [CONVERSATIONS, FIRST_NAMES, LAST_NAMES],
  );
  // Activity spread over the last ~70 days, newest conversation last inserted.
  await db.query(
    `INSERT INTO conversations (contact_id, channel_id, status, last_message_at, last_message_preview, unread_count, created_at)
     SELECT c.id, ($1::uuid[])[1 + n % 2], (ARRAY['open','open','closed','archived'])[1 + n % 4],
            now() - make_interval(mins => ($2::int - n)), 'Message ' || $3::int || ' of conversation ' || n, n % 3,
            now() - make_interval(mins => ($2::int - n) + $3::int)
       FROM (SELECT id, substr(phone, 6)::int AS n FROM contacts) c`,
    [channelIds, CONVERSATIONS, perConversation],
  );
  await db.query(
    `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, recipient, content, status, created_at, status_updated_at)
     SELECT CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END, cv.channel_id, cv.contact_id, cv.id, ct.phone,
            jsonb_build_object('kind', 'text', 'text', 'Message ' || k || ' of conversation ' || substr(ct.phone, 6)::int),
            CASE WHEN k % 2 = 0 THEN 'received' ELSE 'delivered' END,
            cv.last_message_at - make_interval(mins => $1::int - k), cv.last_message_at - make_interval(mins => $1::int - k)
       FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id, generate_series(1, $1::int) k`,
    [perConversation],
  );
  await db.query('VACUUM ANALYZE contacts, conversations, messages');
}

async function main(): Promise<void> {
  const server = requirePostgresUrl('inbox');
  const loadBefore = loadavg()[0];
  let database: FreshDatabase | undefined;
  let app: AppProcess | undefined;
  let db: pg.Client | undefined;
  try {
    database = await createFreshDatabase(server, 'switchboard_bench_inbox');
    app = await startAppProcess({ databaseUrl: database.url, admin: ADMIN });
    const api = new Api(app.url);
    await api.login(ADMIN.email, ADMIN.password);
    const channels = await Promise.all(
      ['Bench inbox A', 'Bench inbox B'].map((name) =>
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
    log(`seeding ${CONVERSATIONS} conversations and ${MESSAGES} messages into ${database.name}`);
    const started = performance.now();
    await seed(
      db,
      channels.map((channel) => channel.id),
    );
    const seedSeconds = (performance.now() - started) / 1000;
    log(`seeded in ${round(seedSeconds)} s; timing ${REQUESTS} requests per read`);

    const { rows: deep } = await db.query<{ last_message_at: Date; id: string }>(
      `SELECT last_message_at, id FROM conversations ORDER BY last_message_at DESC, id DESC OFFSET $1 LIMIT 1`,
      [Math.floor(CONVERSATIONS / 2)],
    );
    const deepCursor = encodeCursor({ at: deep[0].last_message_at.toISOString(), id: deep[0].id });
    const { rows: sample } = await db.query<{ id: string }>(
      `SELECT id FROM conversations ORDER BY random() LIMIT 1000`,
    );
    let turn = 0;
    const nextConversation = () => sample[(turn += 1) % sample.length].id;
    const { rows: matches } = await db.query<{ count: string }>(
      `SELECT count(*) FROM contacts WHERE first_name = 'Grace' AND last_name = 'Hopper'`,
    );

    const cases: TimedRead[] = [
      { name: 'firstPage', path: () => `/api/v1/conversations?limit=${PAGE_SIZE}` },
      { name: 'deepCursorPage', path: () => `/api/v1/conversations?limit=${PAGE_SIZE}&cursor=${deepCursor}` },
      {
        name: 'searchByName',
        path: () => `/api/v1/conversations?limit=${PAGE_SIZE}&search=${encodeURIComponent('grace hop')}`,
      },
      {
        name: 'searchByNumber',
        path: () => `/api/v1/conversations?limit=${PAGE_SIZE}&search=${encodeURIComponent('(415) 004-2424')}`,
      },
      {
        name: 'threadPage',
        path: () => `/api/v1/conversations/${nextConversation()}/messages?limit=${PAGE_SIZE}`,
      },
    ];
    const pool = new Pool(app.url, { connections: 1 });
    const latencyMs: Record<string, LatencySummary> = {};
    for (const item of cases)
      latencyMs[item.name] = await timeRead(pool, api.authorization(), item, {
        requests: REQUESTS,
        warmup: WARMUP,
      });
    await pool.close();

    const worstP95 = Math.max(...Object.values(latencyMs).map((summary) => summary.p95));
    const result = {
      bench: 'inbox',
      database: 'postgresql',
      conversations: CONVERSATIONS,
      messages: MESSAGES,
      requestsPerRead: REQUESTS,
      pageSize: PAGE_SIZE,
      latencyMs: Object.fromEntries(
        Object.entries(latencyMs).map(([name, summary]) => [
          name,
          { p50: summary.p50, p95: summary.p95, max: summary.max },
        ]),
      ),
      worstP95Ms: worstP95,
      targetP95Ms: TARGET_P95_MS,
      targetMet: worstP95 <= TARGET_P95_MS,
      nameSearchMatches: Number(matches[0].count),
      seedSeconds: round(seedSeconds),
      loadAverageBefore: round(loadBefore),
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await db?.end().catch(() => undefined);
    await app?.stop();
    await database?.drop().catch((error: unknown) => log(`could not drop the database: ${String(error)}`));
  }
}

runBench(main);
