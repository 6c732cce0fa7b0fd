/**
 * End-to-end campaign dispatch benchmark. Seeds N contacts set-based, boots the real app (in this
 * process) against a fresh database, and sends one `sinch-sms` campaign with identical text through
 * the real dispatcher to a fast fake Sinch SMS server running in a child process
 * (bench/fake-sinch-sms.ts), driving everything through the HTTP API. Meanwhile an "agent probe"
 * times the inbox's first page and a contact search (idle before, during the dispatch, idle after).
 * Then it measures the floor on the same database (a lean table: uuid key + 3 columns,
 * `INSERT … SELECT generate_series`, then `UPDATE … WHERE id = ANY($1)` in chunks of 1,000) and prints
 * one JSON line: the rate, `ratioToFloor`, WAL bytes and index entries per recipient, the probe and
 * `loadavg` (the machine's load, to judge how noisy the run was).
 *
 * Usage:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:dispatch   # fresh DB on that server, dropped after
 *   N=100000 npm run bench:dispatch                                                   # embedded PGlite in a temp dir
 * Options (env or flag): N / --recipients (default 1,000,000); POLL_MS (default 500); LOG_LEVEL (default error);
 *   PROBE_SAMPLES (agent probe requests of each kind idle, default 100); AGENT_PROBE=0 (no probe during the dispatch);
 *   MAX_SECONDS (default 900); AUDIENCE=tags|all (default tags); BENCH_PROFILE=1 adds a timing
 *   breakdown (per dispatcher function and per SQL statement) to the JSON line; FREQUENCY_CAP=max/perHours
 *   (e.g. 2/24) gives the campaign a frequency cap, so capped and uncapped runs can be compared.
 * Before scheduling it also times GET /campaigns/:id/preview over the whole audience (previewSeconds);
 * afterwards the finished campaign's reads an admin's console makes (campaignReadsMs).
 * appPeakRssMb is the peak `process.memoryUsage().rss` of this process, which runs the app (and, without
 * DATABASE_URL, the embedded PGlite too), sampled every 100 ms from app start until the campaign completes.
 */
import 'reflect-metadata';
// This process stands in for main.ts, so it runs the app with the same heap setting, set as early.
import '../src/heap-growth.js';

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import type { INestApplication } from '@nestjs/common';
import pg from 'pg';

import { createApp } from '../src/app.factory.js';
import { CampaignAudienceService } from '../src/campaigns/campaign-audience.service.js';
import { CampaignBatchesRepository } from '../src/campaigns/campaign-batches.repository.js';
import { CampaignDispatcher } from '../src/campaigns/campaign-dispatcher.service.js';
import { CampaignRecoveryService } from '../src/campaigns/campaign-recovery.service.js';
import { CampaignSender } from '../src/campaigns/campaign-sender.service.js';
import { CampaignsRepository } from '../src/campaigns/campaigns.repository.js';
import { CampaignsService } from '../src/campaigns/campaigns.service.js';
import { ProviderHttpClient } from '../src/channels/providers/http/provider-http.client.js';
import { SinchSmsProvider } from '../src/channels/providers/sinch-sms/sinch-sms.provider.js';
import { loadConfig } from '../src/config/load-config.js';
import { CampaignMessagesRepository } from '../src/conversations/campaign-messages.repository.js';
import { withDatabase } from '../src/database/database-url.js';
import { EmbeddedDatabase } from '../src/database/embedded-database.js';
import { UsersService } from '../src/users/users.service.js';
import { AgentProbe, probeRatios } from './support/agent-probe.js';
import { Api } from './support/api.js';
import { FakeSinch } from './support/fake-sinch.js';
import {
  benchLogger,
  type LatencySummary,
  mb,
  round,
  runBench,
  summariseLatencies,
} from './support/format.js';
import {
  indexEntries,
  measureFloor,
  tupleCounts,
  tupleDelta,
  walBytesSince,
  walLsn,
} from './support/write-cost.js';

const { values: flags } = parseArgs({
  options: { recipients: { type: 'string' }, 'poll-ms': { type: 'string' } },
  allowPositionals: true,
});
const N = Number(flags.recipients ?? process.env.N ?? 1_000_000);
const POLL_MS = Number(flags['poll-ms'] ?? process.env.POLL_MS ?? 500);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 900);
const AUDIENCE = process.env.AUDIENCE === 'all' ? { all: true } : { tags: ['bench'] };
const PROFILE = process.env.BENCH_PROFILE === '1';
const FREQUENCY_CAP = process.env.FREQUENCY_CAP
  ? (([max, perHours]) => ({ max: Number(max), perHours: Number(perHours) }))(
      process.env.FREQUENCY_CAP.split('/'),
    )
  : undefined;
const PROBE_SAMPLES = Number(process.env.PROBE_SAMPLES ?? 100);
const CAMPAIGN_READS = 20;
// AGENT_PROBE=0: no probe requests during the dispatch, to time the dispatch alone (on PGlite the
// probe's queries share the one database session with it).
const PROBE_DURING = process.env.AGENT_PROBE !== '0';
const INBOX_CONVERSATIONS = Math.min(N, 2000);
const WRITTEN_TABLES = ['messages', 'conversations', 'campaign_batches', 'campaigns', 'inbox_events'];
const TEXT = 'Spring sale: 20% off everything today only. Reply STOP to opt out.';
const UPDATE_CHUNK = 1000;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-1234' };
const SINCH = { servicePlanId: 'benchplan0123456789', apiToken: 'bench-api-token-0123456789', region: 'us' };

if (!Number.isInteger(N) || N < 1 || N > 9_999_999)
  throw new Error('N / --recipients must be an integer from 1 to 9,999,999');

const log = benchLogger('dispatch');

// ---------------------------------------------------------------------------------------------
// Timing instrumentation (BENCH_PROFILE=1): wraps dispatcher methods and pg queries of the app.

interface Timing {
  calls: number;
  ms: number;
  maxMs: number;
}
const fnTimings = new Map<string, Timing>();
const sqlTimings = new Map<string, Timing & { rows: number }>();
const benchClients = new WeakSet<object>();

function record<T extends Timing>(map: Map<string, T>, key: string, ms: number, init: () => T): T {
  let t = map.get(key);
  if (!t) map.set(key, (t = init()));
  t.calls += 1;
  t.ms += ms;
  t.maxMs = Math.max(t.maxMs, ms);
  return t;
}

function wrapMethods(instance: object, label: string, methods: string[]): void {
  for (const name of methods) {
    const target = instance as Record<string, unknown>;
    const original = target[name];
    if (typeof original !== 'function') throw new Error(`${label}.${name} is not a method`);
    target[name] = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      const done = () =>
        record(fnTimings, `${label}.${name}`, performance.now() - started, () => ({
          calls: 0,
          ms: 0,
          maxMs: 0,
        }));
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    };
  }
}

function instrumentPg(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: object, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (benchClients.has(this) || !(result instanceof Promise)) return result;
    const config = args[0] as string | { text?: string };
    const sql = (typeof config === 'string' ? config : (config?.text ?? '?'))
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 110);
    const started = performance.now();
    return result.then(
      (res: { rowCount?: number | null }) => {
        record(sqlTimings, sql, performance.now() - started, () => ({
          calls: 0,
          ms: 0,
          maxMs: 0,
          rows: 0,
        })).rows += res?.rowCount ?? 0;
        return res;
      },
      (error: unknown) => {
        record(sqlTimings, `ERROR ${sql}`, performance.now() - started, () => ({
          calls: 0,
          ms: 0,
          maxMs: 0,
          rows: 0,
        }));
        throw error;
      },
    );
  };
}

function timingTable<T extends Timing>(map: Map<string, T>, top: number): Array<Record<string, unknown>> {
  return [...map.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([key, t]) => ({
      key,
      calls: t.calls,
      totalS: round(t.ms / 1000, 2),
      avgMs: round(t.ms / t.calls, 1),
      maxMs: round(t.maxMs, 1),
      ...('rows' in t ? { rows: (t as unknown as { rows: number }).rows } : {}),
    }));
}

// ---------------------------------------------------------------------------------------------
// The fake Sinch SMS server, in a child process.

// ---------------------------------------------------------------------------------------------
// A tiny HTTP client for the app's API.

interface CampaignView {
  id: string;
  status: string;
  startedAt: string | null;
  completedAt: string | null;
  failureReason: string | null;
  stats: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  const tmp = mkdtempSync(join(tmpdir(), 'switchboard-bench-dispatch-'));
  const dbName = `switchboard_bench_dispatch_${Date.now()}`;
  let admin: pg.Client | undefined;
  let embedded: EmbeddedDatabase | undefined;
  let app: INestApplication | undefined;
  let fake: FakeSinch | undefined;
  let peakRss = process.memoryUsage().rss;
  let sampling = true;
  const sampler = setInterval(() => {
    if (sampling) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  sampler.unref();

  try {
    let databaseUrl: string;
    if (server) {
      admin = new pg.Client({ connectionString: server });
      benchClients.add(admin);
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      databaseUrl = withDatabase(server, dbName);
    } else {
      embedded = await EmbeddedDatabase.start(join(tmp, 'data'));
      databaseUrl = embedded.url;
    }
    log(
      `database: ${server ? `PostgreSQL, fresh database ${dbName}` : `embedded PGlite in ${tmp}`}; recipients: ${N}`,
    );

    fake = await FakeSinch.start();
    if (PROFILE) instrumentPg();

    peakRss = process.memoryUsage().rss;
    const config = loadConfig({
      NODE_ENV: 'development',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      DATA_DIR: tmp,
      CAMPAIGN_DISPATCH_INTERVAL_MS: process.env.CAMPAIGN_DISPATCH_INTERVAL_MS ?? '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
    });
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const api = new Api((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    if (PROFILE) {
      wrapMethods(app.get(CampaignAudienceService), 'audience', ['materialiseChunk']);
      wrapMethods(app.get(CampaignSender), 'sender', ['sendChunk', 'settleUnits']);
      wrapMethods(app.get(CampaignBatchesRepository), 'batches', ['claimDueUnits']);
      wrapMethods(app.get(CampaignMessagesRepository), 'messages', [
        'queuedInUnits',
        'recordFinals',
        'recordRetries',
      ]);
      wrapMethods(app.get(CampaignsRepository), 'campaignRows', ['listSending', 'statusOf']);
      wrapMethods(app.get(SinchSmsProvider), 'sinchSms', ['send']);
      wrapMethods(app.get(ProviderHttpClient), 'http', ['request']);
      wrapMethods(app.get(CampaignDispatcher), 'dispatcher', [
        'pass',
        'startDue',
        'dispatch',
        'completeIfDone',
        'logProgress',
      ]);
      wrapMethods(app.get(CampaignRecoveryService), 'recovery', ['recoverExpired']);
      wrapMethods(app.get(CampaignsService), 'campaigns', ['get']);
    }

    // Seed the audience set-based (not timed).
    const db = new pg.Client({ connectionString: databaseUrl });
    benchClients.add(db);
    await db.connect();
    try {
      const started = performance.now();
      // Timestamps step every 1,000 contacts, as a CSV import writes them (a statement per chunk of
      // 1,000): one timestamp for a million rows would be a layout the product never produces, and
      // the planner estimates the contact search's newest-first walk from these timestamps.
      await db.query(
        `INSERT INTO contacts (phone, name, first_name, last_name, tags, created_at)
         SELECT '+1415' || lpad(g::text, 7, '0'), 'Contact ' || g, 'Contact', g::text, ARRAY['bench'],
                now() - make_interval(secs => ($1::int - g) / 1000)
           FROM generate_series(1, $1::int) g`,
        [N],
      );
      await db.query('ANALYZE contacts');
      log(`seeded ${N} contacts in ${round((performance.now() - started) / 1000)} s`);

      await app.get(UsersService).create({ ...ADMIN, name: 'Bench admin', role: 'admin' });
      await api.login(ADMIN.email, ADMIN.password);
      const channel = await api.call<{ id: string }>('POST', '/channels', {
        name: 'Bench Sinch SMS',
        provider: 'sinch-sms',
        sender: '+12025550142',
        config: { ...SINCH, baseUrl: fake.origin },
      });
      // An inbox for the agent probe: conversations on another channel with varied activity.
      const inboxChannel = await api.call<{ id: string }>('POST', '/channels', {
        name: 'Bench inbox',
        provider: 'sinch-sms',
        sender: '+12025550143',
        config: { ...SINCH, baseUrl: fake.origin },
      });
      await db.query(
        `INSERT INTO conversations (contact_id, channel_id, last_message_at, last_message_preview)
         SELECT id, $1::uuid, now() - random() * interval '30 days', 'Is my order on its way?'
           FROM contacts ORDER BY id LIMIT $2`,
        [inboxChannel.id, INBOX_CONVERSATIONS],
      );
      await db.query('ANALYZE conversations');
      const probe = new AgentProbe(api.base, api.authorization(), () => {
        const g = 1 + Math.floor(Math.random() * N);
        // Alternately a partial number and a name, as agents type them.
        return g % 2 === 0
          ? `/api/v1/contacts?limit=25&search=${String(g).padStart(7, '0')}`
          : `/api/v1/contacts?limit=25&search=${encodeURIComponent(`Contact ${g}`)}`;
      });
      await probe.sample(20); // warm-up: the first requests of a fresh process are slow
      const probeIdle = await probe.sample(PROBE_SAMPLES);
      log(`agent probe idle: ${JSON.stringify(probeIdle)}`);

      const campaign = await api.call<CampaignView>('POST', '/campaigns', {
        name: `Bench ${N}`,
        channelId: channel.id,
        message: { text: TEXT },
        audience: AUDIENCE,
        ...(FREQUENCY_CAP ? { frequencyCap: FREQUENCY_CAP } : {}),
      });
      const previewStarted = performance.now();
      const preview = await api.call('GET', `/campaigns/${campaign.id}/preview`);
      const previewSeconds = (performance.now() - previewStarted) / 1000;
      log(`preview in ${round(previewSeconds, 2)} s: ${JSON.stringify(preview)}`);

      // The measured part: from scheduling until the campaign reports completed.
      const lsn0 = await walLsn(db);
      const tuples0 = await tupleCounts(db, WRITTEN_TABLES);
      const elu0 = performance.eventLoopUtilization();
      const scheduledAt = Date.now();
      await api.call('POST', `/campaigns/${campaign.id}/schedule`, {});
      if (PROBE_DURING) probe.start();
      let view: CampaignView = campaign;
      let timedOut = false;
      let pollErrors = 0;
      let progressAt = Date.now();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        try {
          view = await api.call<CampaignView>('GET', `/campaigns/${campaign.id}`);
        } catch (error) {
          // "503 Database unavailable, retry later" (e.g. the embedded database busy materialising): retry, as a client would.
          // Also a dropped keep-alive connection ("fetch failed"): the embedded database runs in this process and blocks its event loop.
          if (!(error instanceof Error && / answered 503:|fetch failed/.test(error.message))) throw error;
          log(
            `poll failed, retrying: ${error.message.slice(0, 120)}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`,
          );
          pollErrors += 1;
          continue;
        }
        if (['completed', 'failed', 'cancelled'].includes(view.status)) break;
        if (Date.now() - progressAt >= 10_000) {
          progressAt = Date.now();
          log(
            `t=${round((Date.now() - scheduledAt) / 1000, 1)} s: ${view.status}, sent ${view.stats.sent} of ${view.stats.total || '?'}`,
          );
        }
        if (Date.now() - scheduledAt > MAX_SECONDS * 1000) {
          // Report what was reached rather than nothing: the rate is over the recipients sent so far.
          timedOut = true;
          view = await api.call<CampaignView>('POST', `/campaigns/${campaign.id}/cancel`, {});
          log(`MAX_SECONDS=${MAX_SECONDS} reached: cancelled with ${view.stats.sent} sent`);
          break;
        }
      }
      sampling = false;
      const elu = performance.eventLoopUtilization(elu0);
      const probeDuring = PROBE_DURING ? await probe.stop() : null;
      const probeAfter = await probe.sample(PROBE_SAMPLES);
      await probe.close();
      const campaignReads = await timeCampaignReads(api, campaign.id);
      if (view.status !== 'completed' && !timedOut)
        throw new Error(`The campaign ended ${view.status}: ${view.failureReason}`);
      const completedAt = timedOut ? Date.now() : Date.parse(view.completedAt!);
      const seconds = (completedAt - scheduledAt) / 1000;
      const sentCount = view.stats.sent;
      const fakeStats = await fake.stats();
      log(
        `campaign completed in ${round(seconds)} s; stats ${JSON.stringify(view.stats)}; fake got ${fakeStats.recipients} recipients in ${fakeStats.batches} batches`,
      );
      const [phases] = (
        await db.query<{ started_at: Date }>(`SELECT started_at FROM campaigns WHERE id = $1`, [campaign.id])
      ).rows;

      await app.close();
      app = undefined;

      // What the campaign wrote (the app's connections are closed, so their counters are in).
      const walBytes = await walBytesSince(db, lsn0);
      const tuples = tupleDelta(tuples0, await tupleCounts(db, WRITTEN_TABLES));
      const ofCampaign = ['campaign_id = $1', [campaign.id]] as const;
      const asQueued = {
        status: `'queued'`,
        provider_message_id: 'NULL',
        provider_batch_id: 'NULL',
        status_reason: 'NULL',
        error_code: 'NULL',
      };
      const messagesQueued = await indexEntries(db, 'messages', ...ofCampaign, asQueued);
      const messagesFinal = await indexEntries(db, 'messages', ...ofCampaign);
      const conversations = await indexEntries(db, 'conversations', 'channel_id = $1', [channel.id]);
      const batches = await indexEntries(db, 'campaign_batches', ...ofCampaign, {
        done_at: 'NULL',
        sending_until: 'NULL',
      });
      // Each update that is not HOT writes a new entry into every index whose predicate takes the new row.
      const messagesNonHot = tuples.messages.updated - tuples.messages.hotUpdated;
      const resultEntries = (messagesNonHot * messagesFinal.total) / Math.max(1, N);
      // Conversations are updated while materialising (their preview): each update that is not HOT counts too.
      const conversationsNonHot = tuples.conversations.updated - tuples.conversations.hotUpdated;
      const conversationUpdateEntries = (conversationsNonHot * conversations.total) / Math.max(1, N);
      const perRecipient = (n: number) => round(n / N, 2);

      log('app closed; measuring the floor (lean table)');
      const floor = await measureFloor(db, N, UPDATE_CHUNK);

      const recipientsPerSecond = sentCount / seconds;
      const result = {
        bench: 'dispatch',
        database: server ? 'postgresql' : 'pglite',
        recipients: N,
        ...(timedOut
          ? { completed: false, timedOutAfterS: MAX_SECONDS, recipientsSentBeforeTimeout: sentCount }
          : { completed: true }),
        seconds: round(seconds),
        recipientsPerSecond: Math.round(recipientsPerSecond),
        frequencyCap: FREQUENCY_CAP ?? null,
        previewSeconds: round(previewSeconds, 2),
        appPeakRssMb: mb(peakRss),
        appPeakRssOf: server
          ? 'bench process running the app (fake Sinch SMS in a child process)'
          : 'bench process running the app and the embedded PGlite (fake Sinch SMS in a child process)',
        floor,
        ratioToFloor: round(recipientsPerSecond / floor.rowsPerSecond, 3),
        writes: {
          walBytesPerRecipient: Math.round(walBytes / N),
          walRatioToFloor: round(walBytes / N / floor.walBytesPerRow, 2),
          tuplesPerRecipient: Object.fromEntries(
            Object.entries(tuples).map(([table, t]) => [
              table,
              {
                inserted: perRecipient(t.inserted),
                updated: perRecipient(t.updated),
                hot: perRecipient(t.hotUpdated),
              },
            ]),
          ),
          indexEntriesPerRecipient: {
            materialise: perRecipient(
              messagesQueued.total + conversations.total + conversationUpdateEntries + batches.total,
            ),
            result: perRecipient(resultEntries),
            messagesIndexes: Object.fromEntries(
              Object.entries(messagesQueued.perIndex).map(([name, n]) => [
                name,
                `${perRecipient(n)} + ${perRecipient((messagesNonHot * messagesFinal.perIndex[name]) / N)}`,
              ]),
            ),
            conversationsIndexes: perRecipient(conversations.total),
          },
        },
        agentProbe: {
          inboxConversations: INBOX_CONVERSATIONS,
          idle: probeIdle,
          during: probeDuring,
          idleAfter: probeAfter,
          p95DuringToIdle: probeDuring ? probeRatios(probeIdle, probeDuring) : null,
        },
        campaignReadsMs: campaignReads,
        loadavg: loadavg().map((l) => round(l)),
        phases: {
          scheduleToStartedS: round((phases.started_at.getTime() - scheduledAt) / 1000),
          startedToFirstRequestS: round((fakeStats.firstAt - phases.started_at.getTime()) / 1000),
          firstToLastRequestS: round((fakeStats.lastAt - fakeStats.firstAt) / 1000),
          lastRequestToCompletedS: round((completedAt - fakeStats.lastAt) / 1000),
        },
        stats: view.stats,
        fake: {
          batches: fakeStats.batches,
          recipients: fakeStats.recipients,
          rejected: fakeStats.rejected,
          duplicateReferences: fakeStats.duplicateReferences,
        },
        poll503s: pollErrors,
        appEventLoopUtilization: round(elu.utilization, 3),
        settings: {
          dispatchIntervalMs: config.campaignDispatchIntervalMs,
          poolSize: config.databasePoolSize,
          pollMs: POLL_MS,
          audience: AUDIENCE,
        },
        node: process.version,
        ...(PROFILE
          ? { profile: { functions: timingTable(fnTimings, 30), sql: timingTable(sqlTimings, 20) } }
          : {}),
      };
      if (!timedOut && (fakeStats.recipients !== N || view.stats.sent !== N))
        log(
          `WARNING: expected ${N} sent; the fake counted ${fakeStats.recipients}, the campaign ${view.stats.sent}`,
        );
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await db.end();
    }
  } finally {
    sampling = false;
    if (app) await app.close().catch(() => undefined);
    if (fake) await fake.stop();
    if (embedded) await embedded.stop().catch(() => undefined);
    if (admin) {
      await admin
        .query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
        .catch((error: unknown) => log(`could not drop ${dbName}: ${String(error)}`));
      await admin.end();
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

runBench(main);

/**
 * What an admin's console reads of the finished campaign, CAMPAIGN_READS times each: the campaign
 * with its counts, the first page of its messages, and the first page of one status.
 */
async function timeCampaignReads(api: Api, campaignId: string): Promise<Record<string, LatencySummary>> {
  const reads = {
    campaign: `/campaigns/${campaignId}`,
    messagesPage: `/campaigns/${campaignId}/messages`,
    sentPage: `/campaigns/${campaignId}/messages?status=sent`,
  };
  const timings: Record<string, LatencySummary> = {};
  for (const [name, path] of Object.entries(reads)) {
    const samples: number[] = [];
    for (let i = 0; i < CAMPAIGN_READS; i++) {
      const started = performance.now();
      await api.call('GET', path);
      samples.push(performance.now() - started);
    }
    timings[name] = summariseLatencies(samples);
  }
  return timings;
}
