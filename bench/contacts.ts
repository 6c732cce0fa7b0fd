/**
 * Contacts read benchmark. Seeds CONTACTS contacts set-based into a fresh PostgreSQL database (names
 * from short lists, so a name matches hundreds; tags of three frequencies), starts the built server
 * on it and times REQUESTS sequential requests of each contacts read over HTTP: the first page, a tag
 * held by a third and by a hundredth of the contacts, the opted-out contacts (one in 10,000), a name
 * search (common, and first and last name together), a whole number, a number's last seven digits,
 * and an international prefix. Prints one JSON line with p50/p95 per read beside the goal (p95 ≤ 20
 * ms at 1,000,000 contacts).
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:contacts
 * Options (env): CONTACTS (1000000), REQUESTS (100), WARMUP (10), LOG_LEVEL (warn).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import pg from 'pg';
import { Pool } from 'undici';

import { Api } from './support/api.js';
import { type AppProcess, startAppProcess } from './support/app-process.js';
import { benchLogger, type LatencySummary, round, runBench } from './support/format.js';
import { createFreshDatabase, type FreshDatabase, requirePostgresUrl } from './support/fresh-database.js';
import { type TimedRead, timeRead } from './support/http-timing.js';

const CONTACTS = Number(process.env.CONTACTS ?? 1_000_000);
const REQUESTS = Number(process.env.REQUESTS ?? 100);
const WARMUP = Number(process.env.WARMUP ?? 10);
const PAGE_SIZE = 50;
const TARGET_P95_MS = 20;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-1234' };
const FIRST_NAMES = ['Maria', 'James', 'Aisha', 'Wei', 'Olga', 'Pedro', 'Fatima', 'Kenji', 'Chloe', 'Tunde'];
const LAST_NAMES = [
  'Okafor',
  'Smith',
  'Garcia',
  'Nakamura',
  'Novak',
  'Silva',
  'Haddad',
  'Kowalski',
  'Dubois',
  'Mensah',
  'Rossi',
  'Jensen',
  'Ivanova',
  'Chen',
  'Murphy',
  'Schmidt',
  'Patel',
  'Kim',
  'Nguyen',
  'Lopez',
];
const log = benchLogger('contacts');

/**
 * Contact g: +1 202 and g in seven digits; first and last names from the lists (Maria Okafor is one
 * in 200); tags: everyone `all`, every third `newsletter`, every hundredth `vip`; created a second
 * apart, newest last.
 */
async function seed(db: pg.Client): Promise<void> {
  await db.query(
    `INSERT INTO contacts (phone, first_name, last_name, tags, created_at, opted_out_at)
     SELECT '+1202' || lpad(g::text, 7, '0'), ($2::text[])[1 + g % 10], ($3::text[])[1 + (g / 10) % 20],
            ARRAY['all'] || CASE WHEN g % 3 = 0 THEN ARRAY['newsletter'] ELSE '{}' END
                         || CASE WHEN g % 100 = 0 THEN ARRAY['vip'] ELSE '{}' END,
            now() - make_interval(secs => $1::int - g),
            CASE WHEN g % 10000 = 0 THEN now() END
       FROM generate_series(1, $1::int) g`,
    [CONTACTS, FIRST_NAMES, LAST_NAMES],
  );
  await db.query('VACUUM ANALYZE contacts');
}

async function main(): Promise<void> {
  const server = requirePostgresUrl('contacts');
  const loadBefore = loadavg()[0];
  let database: FreshDatabase | undefined;
  let app: AppProcess | undefined;
  let db: pg.Client | undefined;
  try {
    database = await createFreshDatabase(server, 'switchboard_bench_contacts');
    app = await startAppProcess({ databaseUrl: database.url, admin: ADMIN });
    const api = new Api(app.url);
    await api.login(ADMIN.email, ADMIN.password);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    log(`seeding ${CONTACTS} contacts into ${database.name}`);
    const started = performance.now();
    await seed(db);
    const seedSeconds = (performance.now() - started) / 1000;
    log(`seeded in ${round(seedSeconds)} s; timing ${REQUESTS} requests per read`);

    let turn = 0;
    /** A different contact's number each time, so no request is served by a warm row alone. */
    const someNumber = () => String(1 + ((turn += 7919) % CONTACTS)).padStart(7, '0');
    const list = (query: string) => `/api/v1/contacts?limit=${PAGE_SIZE}${query}`;
    const search = (term: string) => list(`&search=${encodeURIComponent(term)}`);
    const reads: TimedRead[] = [
      { name: 'firstPage', path: () => list('') },
      { name: 'tagThird', path: () => list('&tag=newsletter') },
      { name: 'tagHundredth', path: () => list('&tag=vip') },
      { name: 'optedOut', path: () => list('&optedOut=true') },
      { name: 'nameCommon', path: () => search('maria') },
      { name: 'nameFirstAndLast', path: () => search('maria okafor') },
      { name: 'numberWhole', path: () => search(`+1202${someNumber()}`) },
      { name: 'numberLastDigits', path: () => search(someNumber()) },
      { name: 'numberPrefix', path: () => search('+120212') },
    ];
    const pool = new Pool(app.url, { connections: 1 });
    const latencyMs: Record<string, LatencySummary> = {};
    for (const read of reads)
      latencyMs[read.name] = await timeRead(pool, api.authorization(), read, {
        requests: REQUESTS,
        warmup: WARMUP,
      });
    await pool.close();

    const worstP95 = Math.max(...Object.values(latencyMs).map((summary) => summary.p95));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'contacts',
        database: 'postgresql',
        contacts: CONTACTS,
        requestsPerRead: REQUESTS,
        pageSize: PAGE_SIZE,
        latencyMs: Object.fromEntries(
          Object.entries(latencyMs).map(([name, summary]) => [name, { p50: summary.p50, p95: summary.p95 }]),
        ),
        worstP95Ms: worstP95,
        targetP95Ms: TARGET_P95_MS,
        targetMet: worstP95 <= TARGET_P95_MS,
        seedSeconds: round(seedSeconds),
        loadAverageBefore: round(loadBefore),
      })}\n`,
    );
  } finally {
    await db?.end().catch(() => undefined);
    await app?.stop();
    await database?.drop().catch((error: unknown) => log(`could not drop the database: ${String(error)}`));
  }
}

runBench(main);
