/**
 * Webhook ingest benchmark. Starts the built server on a fresh PostgreSQL database, creates a Sinch
 * Conversation and a Plivo channel, seeds MESSAGES outbound messages set-based, then posts signed
 * delivery reports for them at CONCURRENCY over keep-alive connections for DURATION_S seconds; every
 * other request is an exact duplicate (same bytes, same signature) of an earlier report. Afterwards
 * it waits until the webhook inbox holds nothing unprocessed and checks every message's status.
 * Prints one JSON line.
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:webhooks
 * Options (env): DURATION_S (30), CONCURRENCY (32), MESSAGES (200000), LOG_LEVEL (warn),
 *   SETTLE_MAX_S (120), DATABASE_POOL_SIZE (app default), APP_NODE_ARGS (node flags for the server, e.g. --cpu-prof),
 *   INSTANCES (1): servers on the same database, the clients spread evenly over them (as behind a load balancer).
 */
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import pg from 'pg';
import { Pool } from 'undici';

import { Api } from './support/api.js';
import { type AppProcess, startAppProcess } from './support/app-process.js';
import {
  type BenchChannels,
  benchMessageId,
  benchPhone,
  expectedStatus,
  isConversationMessage,
  reportPlan,
  type SignedReport,
} from './support/delivery-reports.js';
import { benchLogger, round, runBench, summariseLatencies } from './support/format.js';
import { createFreshDatabase, type FreshDatabase, requirePostgresUrl } from './support/fresh-database.js';
import { createBenchChannels, seedBenchMessages } from './support/webhook-bench-setup.js';

const DURATION_S = Number(process.env.DURATION_S ?? 30);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const MESSAGES = Number(process.env.MESSAGES ?? 200_000);
const SETTLE_MAX_S = Number(process.env.SETTLE_MAX_S ?? 120);
const INSTANCES = Number(process.env.INSTANCES ?? 1);
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-1234' };

const log = benchLogger('webhooks');

interface LoadResult {
  requests: number;
  duplicateRequests: number;
  uniqueReportsSent: number;
  latenciesMs: number[];
  non2xx: number;
  networkErrors: number;
  storedAnswered: number;
  duplicatesAnswered: number;
  seconds: number;
  sent: SignedReport[];
  exhausted: boolean;
}

/**
 * The measured part: CONCURRENCY workers, each sending one request at a time over a keep-alive pool;
 * with several instances, worker i talks to instance i mod INSTANCES.
 */
async function runLoad(apps: AppProcess[], channels: BenchChannels): Promise<LoadResult> {
  const pools = apps.map(
    (app) =>
      new Pool(app.url, {
        connections: Math.ceil(CONCURRENCY / apps.length),
        pipelining: 1,
        keepAliveTimeout: 30_000,
      }),
  );
  const plan = reportPlan(channels, MESSAGES);
  const sent: SignedReport[] = [];
  const result: LoadResult = {
    requests: 0,
    duplicateRequests: 0,
    uniqueReportsSent: 0,
    latenciesMs: [],
    non2xx: 0,
    networkErrors: 0,
    storedAnswered: 0,
    duplicatesAnswered: 0,
    seconds: 0,
    sent,
    exhausted: false,
  };
  let turn = 0;
  const next = (): { report: SignedReport; duplicate: boolean } | undefined => {
    turn += 1;
    if (turn % 2 === 0 && sent.length > 0)
      return { report: sent[Math.floor(Math.random() * sent.length)], duplicate: true };
    const fresh = plan.next();
    if (fresh.done) {
      result.exhausted = true;
      return undefined;
    }
    sent.push(fresh.value);
    return { report: fresh.value, duplicate: false };
  };

  const started = performance.now();
  const deadline = started + DURATION_S * 1000;
  const worker = async (index: number) => {
    const pool = pools[index % pools.length];
    while (performance.now() < deadline) {
      const pick = next();
      if (!pick) return;
      const { report, duplicate } = pick;
      const t0 = performance.now();
      try {
        const response = await pool.request({
          method: 'POST',
          path: report.path,
          headers: report.headers,
          body: report.body,
        });
        const text = await response.body.text();
        result.latenciesMs.push(performance.now() - t0);
        result.requests += 1;
        if (duplicate) result.duplicateRequests += 1;
        else result.uniqueReportsSent += 1;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          report.acknowledged = true;
          const answer = JSON.parse(text) as { stored: number; duplicates: number };
          result.storedAnswered += answer.stored;
          result.duplicatesAnswered += answer.duplicates;
        } else {
          result.non2xx += 1;
          if (result.non2xx <= 5) log(`answered ${response.statusCode}: ${text.slice(0, 200)}`);
        }
      } catch (error) {
        result.networkErrors += 1;
        if (result.networkErrors <= 5) log(`request failed: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => worker(index)));
  result.seconds = (performance.now() - started) / 1000;
  await Promise.all(pools.map((pool) => pool.close()));
  return result;
}

/** Seconds from the end of the load until the inbox holds nothing unprocessed (undefined: not within SETTLE_MAX_S). */
async function waitUntilApplied(db: pg.Client): Promise<{ seconds: number | undefined; pending: number }> {
  const started = performance.now();
  for (;;) {
    const { rows } = await db.query<{ pending: string }>(
      `SELECT count(*) AS pending FROM webhook_events WHERE processed_at IS NULL`,
    );
    const pending = Number(rows[0].pending);
    const seconds = (performance.now() - started) / 1000;
    if (pending === 0) return { seconds, pending };
    if (seconds > SETTLE_MAX_S) return { seconds: undefined, pending };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Committed transactions of this database so far (statistics lag by up to half a second). */
async function transactionsCommitted(db: pg.Client): Promise<number> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query<{ commits: string }>(
    `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(rows[0].commits);
}

/** CPU seconds used so far by all instances together (undefined where the platform cannot tell). */
function totalCpuSeconds(apps: AppProcess[]): number | undefined {
  let total = 0;
  for (const app of apps) {
    const seconds = app.cpuSeconds();
    if (seconds === undefined) return undefined;
    total += seconds;
  }
  return total;
}

async function checkStatuses(
  db: pg.Client,
  sent: SignedReport[],
): Promise<{ correct: boolean; wrong: number; examples: string[] }> {
  const expected = expectedStatus(sent, MESSAGES);
  const { rows } = await db.query<{ provider_message_id: string; status: string }>(
    `SELECT provider_message_id, status FROM messages WHERE direction = 'outbound'`,
  );
  const actual = new Map(rows.map((row) => [row.provider_message_id, row.status]));
  let wrong = 0;
  const examples: string[] = [];
  for (const [n, status] of expected) {
    const got = actual.get(benchMessageId(n));
    if (got === status) continue;
    wrong += 1;
    if (examples.length < 5)
      examples.push(
        `${benchMessageId(n)} (${isConversationMessage(n) ? 'conversation' : 'plivo'}, ${benchPhone(n)}): expected ${status}, got ${got}`,
      );
  }
  return { correct: wrong === 0, wrong, examples };
}

async function main(): Promise<void> {
  const server = requirePostgresUrl('webhooks');
  const loadBefore = loadavg()[0];
  let database: FreshDatabase | undefined;
  const apps: AppProcess[] = [];
  let db: pg.Client | undefined;
  try {
    database = await createFreshDatabase(server, 'switchboard_bench_webhooks');
    // One credentials key for all instances, so each can read the channels the first one created, and
    // one public address (the load balancer's), which Plivo's signature covers.
    const env: Record<string, string> = {
      JWT_SECRET: randomBytes(32).toString('base64url'),
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      PUBLIC_BASE_URL: 'https://switchboard.example.com',
      ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
    };
    for (let i = 0; i < INSTANCES; i += 1)
      apps.push(await startAppProcess({ databaseUrl: database.url, admin: ADMIN, env }));
    const [app] = apps;
    log(
      `${INSTANCES} instance(s), first on ${app.url}, fresh database ${database.name}; seeding ${MESSAGES} messages`,
    );
    const api = new Api(app.url);
    await api.login(ADMIN.email, ADMIN.password);
    const channels = await createBenchChannels(api);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const started = performance.now();
    await seedBenchMessages(db, channels, MESSAGES);
    log(
      `seeded in ${round((performance.now() - started) / 1000)} s; load: ${CONCURRENCY} connections for ${DURATION_S} s`,
    );

    const cpuBefore = totalCpuSeconds(apps);
    const commitsBefore = await transactionsCommitted(db);
    const load = await runLoad(apps, channels);
    const cpuAfterLoad = totalCpuSeconds(apps);
    const commitsDuringLoad = (await transactionsCommitted(db)) - commitsBefore;
    log(`${load.requests} requests in ${round(load.seconds)} s; waiting for the inbox to drain`);
    const applied = await waitUntilApplied(db);
    const statuses = await checkStatuses(db, load.sent);
    const { rows } = await db.query<{ stored: string; failed: string }>(
      `SELECT count(*) AS stored, count(*) FILTER (WHERE last_error IS NOT NULL) AS failed FROM webhook_events`,
    );
    const acknowledgedReports = load.sent.filter((report) => report.acknowledged).length;
    const storedEvents = Number(rows[0].stored);
    if (!statuses.correct) log(`wrong statuses, e.g. ${statuses.examples.join('; ')}`);

    const result = {
      bench: 'webhooks',
      database: 'postgresql',
      durationS: round(load.seconds),
      concurrency: CONCURRENCY,
      instances: INSTANCES,
      requests: load.requests,
      requestsPerSecond: Math.round(load.requests / load.seconds),
      uniqueReports: load.uniqueReportsSent,
      duplicateRequests: load.duplicateRequests,
      latencyMs: summariseLatencies(load.latenciesMs),
      non2xx: load.non2xx,
      networkErrors: load.networkErrors,
      allAppliedAfterS: applied.seconds === undefined ? null : round(applied.seconds),
      pendingAtEnd: applied.pending,
      statusesCorrect: statuses.correct,
      wrongStatuses: statuses.wrong,
      // Each acknowledged report is stored exactly once, however often it was sent.
      noDuplicateEffect: storedEvents === acknowledgedReports && load.storedAnswered === acknowledgedReports,
      storedEvents,
      eventsWithErrors: Number(rows[0].failed),
      answered: { stored: load.storedAnswered, duplicates: load.duplicatesAnswered },
      messages: MESSAGES,
      planExhausted: load.exhausted,
      databaseCommitsDuringLoad: commitsDuringLoad,
      appCpuSecondsDuringLoad:
        cpuBefore === undefined || cpuAfterLoad === undefined ? null : round(cpuAfterLoad - cpuBefore, 1),
      appCpuMsPerRequest:
        cpuBefore === undefined || cpuAfterLoad === undefined
          ? null
          : round(((cpuAfterLoad - cpuBefore) * 1000) / load.requests, 3),
      loadAverageBefore: round(loadBefore),
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await db?.end().catch(() => undefined);
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop().catch((error: unknown) => log(`could not drop the database: ${String(error)}`));
  }
}

runBench(main);
