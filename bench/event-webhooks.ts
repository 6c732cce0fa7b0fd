/**
 * Event webhook benchmark. Starts the built server on a fresh PostgreSQL database with one endpoint
 * subscribed to `message.status` (a local receiver in this process, answering 200), seeds outbound
 * messages set-based, then posts REPORTS signed delivery reports (Sinch Conversation and Plivo, no
 * duplicates) at CONCURRENCY over keep-alive connections, and waits until every `message.status`
 * event the reports caused has reached the receiver. Every delivery is verified with the
 * standardwebhooks library. Prints one JSON line: events delivered per second, the p95 time from
 * the provider's callback to the receiver, and the ratio of delivery throughput to ingest
 * throughput (both in events per second; ≥ 1 means the outbox keeps up with ingest).
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:event-webhooks
 * Options (env): REPORTS (50000), CONCURRENCY (32), SETTLE_MAX_S (300), LOG_LEVEL (warn),
 *   WEBHOOK_DELIVERY_CONCURRENCY, WEBHOOK_DELIVERY_INTERVAL_MS (app defaults).
 */
import 'reflect-metadata';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { Pool } from 'undici';

import { Api } from './support/api.js';
import { type AppProcess, startAppProcess } from './support/app-process.js';
import { benchMessageId, reportPlan, type SignedReport } from './support/delivery-reports.js';
import { benchLogger, round, runBench, summariseLatencies } from './support/format.js';
import { createFreshDatabase, type FreshDatabase, requirePostgresUrl } from './support/fresh-database.js';
import { createBenchChannels, seedBenchMessages } from './support/webhook-bench-setup.js';

const REPORTS = Number(process.env.REPORTS ?? 50_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const SETTLE_MAX_S = Number(process.env.SETTLE_MAX_S ?? 300);
/** Reports per message in the plan average 2.25; seed enough messages for REPORTS of them. */
const MESSAGES = Math.ceil(REPORTS / 2) + 16;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-1234' };

const log = benchLogger('event-webhooks');

/** The receiving system: verifies each delivery and notes when each (message, status) arrived. */
class Receiver {
  readonly arrivals = new Map<string, number>();
  requests = 0;
  invalid = 0;
  firstAt = 0;
  lastAt = 0;
  private verifier: Webhook | undefined;
  private readonly server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const now = performance.now();
      this.requests += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const headers = {
          'webhook-id': String(request.headers['webhook-id']),
          'webhook-timestamp': String(request.headers['webhook-timestamp']),
          'webhook-signature': String(request.headers['webhook-signature']),
        };
        const event = this.verifier!.verify(body, headers) as {
          data: { providerMessageId: string; status: string };
        };
        const key = `${event.data.providerMessageId}:${event.data.status}`;
        if (!this.arrivals.has(key)) this.arrivals.set(key, now);
        if (this.firstAt === 0) this.firstAt = now;
        this.lastAt = now;
      } catch {
        this.invalid += 1;
      }
      response.writeHead(200).end('ok');
    });
  });

  verifyWith(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Posts the reports; answers when each was first acknowledged, keyed like the receiver's arrivals. */
async function ingest(
  app: AppProcess,
  reports: SignedReport[],
): Promise<{ sentAt: Map<string, number>; seconds: number; non2xx: number }> {
  const pool = new Pool(app.url, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000 });
  const sentAt = new Map<string, number>();
  let next = 0;
  let non2xx = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < reports.length) {
      const report = reports[next++];
      const t0 = performance.now();
      const response = await pool.request({
        method: 'POST',
        path: report.path,
        headers: report.headers,
        body: report.body,
      });
      await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) {
        const key = `${benchMessageId(report.message)}:${report.status}`;
        if (!sentAt.has(key)) sentAt.set(key, t0);
      } else non2xx += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { sentAt, seconds, non2xx };
}

async function main(): Promise<void> {
  const server = requirePostgresUrl('event-webhooks');
  const loadBefore = loadavg()[0];
  const receiver = new Receiver();
  let database: FreshDatabase | undefined;
  let app: AppProcess | undefined;
  let db: pg.Client | undefined;
  try {
    const receiverUrl = await receiver.start();
    database = await createFreshDatabase(server, 'switchboard_bench_event_webhooks');
    const appEnv: Record<string, string> = { WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: 'true' };
    for (const name of [
      'WEBHOOK_DELIVERY_CONCURRENCY',
      'WEBHOOK_DELIVERY_INTERVAL_MS',
      'DATABASE_POOL_SIZE',
    ]) {
      if (process.env[name]) appEnv[name] = process.env[name];
    }
    app = await startAppProcess({ databaseUrl: database.url, admin: ADMIN, env: appEnv });
    const api = new Api(app.url);
    await api.login(ADMIN.email, ADMIN.password);
    const channels = await createBenchChannels(api);
    const endpoint = await api.call<{ secret: string }>('POST', '/webhook-endpoints', {
      url: receiverUrl,
      events: ['message.status'],
    });
    receiver.verifyWith(endpoint.secret);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await seedBenchMessages(db, channels, MESSAGES);
    const reports = [...reportPlan(channels, MESSAGES)].slice(0, REPORTS);
    log(
      `app on ${app.url}; ${MESSAGES} messages seeded; posting ${reports.length} reports at ${CONCURRENCY} connections`,
    );

    const loadStarted = performance.now();
    const load = await ingest(app, reports);
    log(`ingested in ${round(load.seconds)} s; waiting for every message.status event to arrive`);

    let expected = 0;
    const settleStarted = performance.now();
    for (;;) {
      const { rows } = await db.query<{ events: string; pending: string }>(
        `SELECT (SELECT count(*) FROM outbound_events WHERE type = 'message.status') AS events,
                (SELECT count(*) FROM webhook_events WHERE processed_at IS NULL) AS pending`,
      );
      expected = Number(rows[0].events);
      if (Number(rows[0].pending) === 0 && receiver.arrivals.size >= expected) break;
      if ((performance.now() - settleStarted) / 1000 > SETTLE_MAX_S) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies = [...receiver.arrivals].flatMap(([key, at]) => {
      const sent = load.sentAt.get(key);
      return sent === undefined ? [] : [at - sent];
    });
    const delivered = receiver.arrivals.size;
    const ingestEventsPerSecond = expected / load.seconds;
    const deliverySeconds = (receiver.lastAt - receiver.firstAt) / 1000;
    const deliveredPerSecond = deliverySeconds > 0 ? delivered / deliverySeconds : 0;

    const result = {
      bench: 'event-webhooks',
      database: 'postgresql',
      reports: reports.length,
      concurrency: CONCURRENCY,
      ingestSeconds: round(load.seconds),
      ingestReportsPerSecond: Math.round(reports.length / load.seconds),
      non2xx: load.non2xx,
      statusEvents: expected,
      eventsDelivered: delivered,
      allDelivered: delivered >= expected,
      invalidSignatures: receiver.invalid,
      receiverRequests: receiver.requests,
      eventsDeliveredPerSecond: Math.round(deliveredPerSecond),
      callbackToReceiverMs: summariseLatencies(latencies),
      lastDeliveryAfterIngestS: round((receiver.lastAt - loadStarted) / 1000 - load.seconds),
      deliveryToIngestRatio: round(deliveredPerSecond / ingestEventsPerSecond),
      loadAverageBefore: round(loadBefore),
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await db?.end().catch(() => undefined);
    await app?.stop();
    await receiver.stop();
    await database?.drop().catch((error: unknown) => log(`could not drop the database: ${String(error)}`));
  }
}

runBench(main);
