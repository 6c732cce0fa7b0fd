/**
 * Scale-out benchmark: two app processes on one fresh PostgreSQL database, one Sinch SMS channel
 * limited to LIMIT recipients a second, a campaign of N recipients scheduled through instance B,
 * and single sends through B while it runs (20 a second), each one a probe for the live stream: the
 * time from the send on B to its `message.created` on a stream opened on instance A. Prints one JSON
 * line: the achieved rate as a ratio of the limit (over the whole send, and the busiest full second)
 * and the stream's fan-out latency between instances.
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:scale-out
 * Options (env): N (default 50,000), LIMIT (default 2,000), MAX_SECONDS (default 300), LOG_LEVEL.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import pg from 'pg';

import { Api } from './support/api.js';
import { startAppProcess } from './support/app-process.js';
import { FakeSinch } from './support/fake-sinch.js';
import { benchLogger, round, runBench, summariseLatencies } from './support/format.js';
import { createFreshDatabase, requirePostgresUrl } from './support/fresh-database.js';

const N = Number(process.env.N ?? 50_000);
const LIMIT = Number(process.env.LIMIT ?? 2_000);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 300);
const PROBES_PER_SECOND = 20;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-1234' };
const SINCH = { servicePlanId: 'benchplan0123456789', apiToken: 'bench-api-token-0123456789', region: 'us' };
const log = benchLogger('scale-out');

/** Follows the SSE stream and notes when each probe's message.created arrived. */
async function followStream(
  url: string,
  authorization: Record<string, string>,
  arrived: Map<string, number>,
) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/conversations/stream`, {
    headers: { accept: 'text/event-stream', ...authorization },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`The stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || value === undefined) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const probe = /"text":"(probe-\d+)"/.exec(block);
        if (probe && block.includes('event: message.created')) arrived.set(probe[1], performance.now());
      }
    }
  })();
  return () => controller.abort();
}

async function main(): Promise<void> {
  const database = await createFreshDatabase(requirePostgresUrl('scale-out'), 'switchboard_bench_scaleout');
  const fake = await FakeSinch.start();
  // One secret for both, so a token from one instance is valid on the other.
  const shared = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    ...(process.env.CAMPAIGN_MATERIALISE_CHUNK
      ? { CAMPAIGN_MATERIALISE_CHUNK: process.env.CAMPAIGN_MATERIALISE_CHUNK }
      : {}),
  };
  const instances = [];
  try {
    instances.push(await startAppProcess({ databaseUrl: database.url, admin: ADMIN, env: shared }));
    instances.push(await startAppProcess({ databaseUrl: database.url, admin: ADMIN, env: shared }));
    const [a, b] = instances;
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(
      `INSERT INTO contacts (phone, name, tags)
       SELECT '+1415' || lpad(g::text, 7, '0'), 'Contact ' || g, ARRAY['bench'] FROM generate_series(1, $1::int) g`,
      [N],
    );
    await db.end();
    const [apiA, apiB] = [new Api(a.url), new Api(b.url)];
    await apiA.login(ADMIN.email, ADMIN.password);
    await apiB.login(ADMIN.email, ADMIN.password);
    const channel = await apiA.call<{ id: string }>('POST', '/channels', {
      name: 'Bench Sinch SMS',
      provider: 'sinch-sms',
      sender: '+12025550142',
      config: { ...SINCH, baseUrl: fake.origin, maxPerSecond: LIMIT },
    });
    const arrived = new Map<string, number>();
    const stopStream = await followStream(a.url, apiA.authorization(), arrived);
    const campaign = await apiA.call<{ id: string }>('POST', '/campaigns', {
      name: 'Scale-out bench',
      channelId: channel.id,
      message: { text: 'Spring sale: 20% off everything today only. Reply STOP to opt out.' },
      audience: { tags: ['bench'] },
    });
    log(`${N} contacts, limit ${LIMIT}/s; scheduling through instance B`);
    await apiB.call('POST', `/campaigns/${campaign.id}/schedule`, {});
    // The probes start with the campaign's first request, so the rate is measured while it sends
    // (materialising the recipients takes a few seconds in which only probes would go out).
    while ((await fake.stats()).recipients === 0) await new Promise((resolve) => setTimeout(resolve, 20));

    const probesFrom = performance.now();
    const sentAt = new Map<string, number>();
    const answeredAt = new Map<string, number>();
    let probes = 0;
    const prober = setInterval(() => {
      const name = `probe-${(probes += 1)}`;
      sentAt.set(name, performance.now());
      void apiB
        .call(
          'POST',
          '/messages',
          { channelId: channel.id, to: `+1202${randomInt(2_000_000, 9_999_999)}`, text: name },
          [202],
        )
        .then(() => answeredAt.set(name, performance.now()))
        .catch((error: unknown) => log(`probe failed: ${String(error)}`));
    }, 1000 / PROBES_PER_SECOND);

    const deadline = Date.now() + MAX_SECONDS * 1000;
    let status = 'scheduled';
    while (!['completed', 'failed', 'cancelled'].includes(status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = (await apiA.call<{ status: string }>('GET', `/campaigns/${campaign.id}`)).status;
    }
    clearInterval(prober);
    // Probes still queued behind the limit are sent within a few seconds; their events are already out.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    stopStream();

    const stats = await fake.stats();
    const seconds = Object.entries(stats.perSecond)
      .map(([second, count]) => ({ second: Number(second), count }))
      .sort((x, y) => x.second - y.second);
    // The first and last seconds are partial: the busiest second is taken among the full ones.
    const full = seconds.slice(1, -1);
    log(`recipients per second at the provider: ${seconds.map((s) => s.count).join(' ')}`);
    const busiest = Math.max(...full.map((s) => s.count));
    const sendSeconds = (stats.lastAt - stats.firstAt) / 1000;
    const latencies = [...sentAt]
      .filter(([name]) => arrived.has(name))
      .map(([name, at]) => arrived.get(name)! - at);
    const slowest = [...sentAt]
      .filter(([name]) => arrived.has(name))
      .map(([name, at]) => ({
        name,
        latency: Math.round(arrived.get(name)! - at),
        answered: Math.round((answeredAt.get(name) ?? Number.NaN) - at),
        sent: Math.round(at - probesFrom),
      }))
      .sort((x, y) => y.latency - x.latency)
      .slice(0, 12);
    log(
      `slowest probes (sent ms after the first request: answered by B, seen on A): ${slowest.map((p) => `${p.sent}: ${p.answered}, ${p.latency}`).join('; ')}`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'scale-out',
        instances: 2,
        recipients: N,
        limitPerSecond: LIMIT,
        campaignStatus: status,
        providerRecipients: stats.recipients,
        duplicateReferences: stats.duplicateReferences,
        achievedPerSecond: round(stats.recipients / sendSeconds, 1),
        achievedRatio: round(stats.recipients / sendSeconds / LIMIT, 3),
        busiestSecondRatio: round(busiest / LIMIT, 3),
        fullSeconds: full.length,
        probesSent: sentAt.size,
        probesSeenOnOtherInstance: latencies.length,
        streamFanOutMs: summariseLatencies(latencies),
      })}\n`,
    );
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await fake.stop();
    await database.drop();
  }
}

runBench(main);
