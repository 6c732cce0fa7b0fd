import { sleep, waitFor } from '../support/wait-for.js';
import { pathOf } from '../support/webhooks.js';
import { randomUsPhone } from './support/api-fixtures.js';
import { expectStatus, type HttpClient } from './support/http-client.js';
import { PrivatePostgres } from './support/private-postgres.js';
import {
  channelInputs,
  createChannel,
  FakeProviders,
  newChannelSecrets,
} from './support/provider-channels.js';
import { isAlive, type ServerUnderTest, startServerUnderTest } from './support/server-under-test.js';
import { DatabaseProbe } from './support/table-counts.js';
import { type WebhookAttempt, type WebhookKind, WebhookLoad } from './support/webhook-load.js';

const OUTAGE_MS = 10_000;
const MESSAGES_PER_CHANNEL = 150;
const KINDS: WebhookKind[] = [
  'conversation-delivery',
  'conversation-inbound',
  'plivo-status',
  'plivo-inbound',
];

interface ReadinessSample {
  status: number;
  startedAt: number;
  endedAt: number;
}

interface Timeline {
  /** pg_ctl stop -m immediate is about to run. */
  crashingAt: number;
  /** pg_ctl stop -m immediate has returned: the server is gone. */
  downAt: number;
  /** pg_ctl start is about to run. */
  restartingAt: number;
  /** pg_ctl start has returned: the server accepts connections. */
  upAt: number;
}

/** Polls /health/ready until stopped, keeping every answer. */
function pollReadiness(client: HttpClient, samples: ReadinessSample[]): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      const startedAt = Date.now();
      const status = await client.get('/health/ready', { timeoutMs: 10_000 }).then(
        (exchange) => exchange.status,
        () => 0,
      );
      samples.push({ status, startedAt, endedAt: Date.now() });
      await sleep(200);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

const within = (timeline: Timeline) => (entry: { startedAt: number; endedAt: number }) =>
  entry.startedAt >= timeline.downAt && entry.endedAt <= timeline.restartingAt;

/**
 * The real thing: the server's own PostgreSQL crashes (immediate shutdown) for ten seconds while
 * providers keep calling. Providers must be told to retry (503) and nothing they were told was
 * stored may be lost; the same process must come back to health on its own.
 */
describe('Webhooks through a PostgreSQL crash', () => {
  const fakes = new FakeProviders(newChannelSecrets());
  let cluster: PrivatePostgres | undefined;
  let server: ServerUnderTest | undefined;
  let load: WebhookLoad;
  const readiness: ReadinessSample[] = [];
  let timeline: Timeline;
  let pidBefore: number | undefined;
  let channelIds: { conversation: string; plivo: string };

  const probe = async <T>(work: (db: DatabaseProbe) => Promise<T>): Promise<T> => {
    const db = await DatabaseProbe.connect(cluster!.url);
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    await fakes.start();
    cluster = await PrivatePostgres.create();
    await cluster.start();
    server = await startServerUnderTest({ databaseUrl: cluster.url });
    const { client } = server;
    const admin = await server.loginAdmin();
    const inputs = channelInputs(fakes);
    const conversation = await createChannel(client, admin.accessToken, inputs.sinchConversation);
    const plivo = await createChannel(client, admin.accessToken, inputs.plivo);
    channelIds = { conversation: conversation.id, plivo: plivo.id };

    // Outbound messages for the delivery reports to be about, sent a few at a time.
    const sends = [conversation.id, plivo.id].flatMap((channelId) =>
      Array.from({ length: MESSAGES_PER_CHANNEL }, () => channelId),
    );
    for (let i = 0; i < sends.length; i += 10) {
      await Promise.all(
        sends.slice(i, i + 10).map(async (channelId) => {
          expectStatus(
            await client.post('/api/v1/messages', {
              json: { channelId, to: randomUsPhone(), text: 'before the crash' },
              token: admin.accessToken,
            }),
            202,
          );
        }),
      );
    }
    const sent = await waitFor(
      () =>
        probe((db) =>
          db.query<{ channel_id: string; provider_message_id: string }>(
            `SELECT channel_id, provider_message_id FROM messages WHERE direction = 'outbound' AND status = 'sent' AND provider_message_id IS NOT NULL`,
          ),
        ),
      (rows) => rows.length === sends.length,
      { description: 'every outbound message to be sent', timeoutMs: 30_000, intervalMs: 250 },
    );
    const idsOf = (channelId: string) =>
      sent.filter((row) => row.channel_id === channelId).map((row) => row.provider_message_id);

    load = new WebhookLoad(client, {
      conversation: {
        path: pathOf(conversation.webhookUrls.callback!),
        appId: fakes.conversation.appId,
        projectId: fakes.conversation.projectId,
        webhookSecret: fakes.secrets.conversationWebhookSecret,
        sentMessageIds: idsOf(conversation.id),
      },
      plivo: {
        statusUrl: plivo.webhookUrls.status!,
        inboundUrl: plivo.webhookUrls.inbound!,
        authToken: fakes.secrets.plivoAuthToken,
        sentMessageIds: idsOf(plivo.id),
        sender: plivo.sender,
      },
    });

    pidBefore = server.process.child.pid;
    const stopPolling = pollReadiness(client, readiness);
    load.start();
    await sleep(2_000);
    const crashingAt = Date.now();
    await cluster.crash();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const restartingAt = Date.now();
    await cluster.start();
    timeline = { crashingAt, downAt, restartingAt, upAt: Date.now() };
    await waitFor(
      () => readiness.filter((sample) => sample.startedAt >= timeline.upAt),
      (after) => after.some((sample) => sample.status === 200),
      { description: '/health/ready to answer 200 after the restart', timeoutMs: 30_000, intervalMs: 200 },
    );
    // Keep the load on a while after recovery: acknowledged events must be applied again.
    await sleep(3_000);
    await load.stop();
    await stopPolling();
  }, 150_000);

  afterAll(async () => {
    await server?.close();
    await cluster?.destroy();
    await fakes.stop();
  });

  const describeAttempts = (attempts: WebhookAttempt[]) =>
    attempts
      .slice(0, 10)
      .map(
        (a) =>
          `${a.kind} ${a.eventId} → ${a.status}${a.error ? ` (${a.error})` : ''} at +${a.startedAt - timeline.downAt} ms`,
      )
      .join('\n');

  it('kept delivering every kind of webhook before, during and after the outage', () => {
    const summary = KINDS.map((kind) => {
      const ofKind = load.attempts.filter((attempt) => attempt.kind === kind);
      return {
        kind,
        acknowledgedBefore: ofKind.some((a) => a.endedAt < timeline.crashingAt && a.status === 200),
        severalDuring: ofKind.filter(within(timeline)).length >= 5,
        acknowledgedAfter: ofKind.some((a) => a.startedAt > timeline.upAt && a.status === 200),
      };
    });
    expect(summary).toEqual(
      KINDS.map((kind) => ({ kind, acknowledgedBefore: true, severalDuring: true, acknowledgedAfter: true })),
    );
  });

  it('answered every webhook with 200 or 503: no other 5xx, no 4xx, no dropped connection', () => {
    const other = load.attempts.filter((attempt) => attempt.status !== 200 && attempt.status !== 503);
    expect(describeAttempts(other)).toBe('');
  });

  it('answered 503, never a 2xx, while the database was down', () => {
    const during = load.attempts.filter(within(timeline));
    expect(describeAttempts(during.filter((attempt) => attempt.status !== 503))).toBe('');
  });

  it('reported not ready (503) during the outage and ready (200) after it', () => {
    expect(readiness.filter((sample) => sample.status !== 200 && sample.status !== 503)).toEqual([]);
    const during = readiness.filter(within(timeline));
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(during.filter((sample) => sample.status !== 503)).toEqual([]);
    expect(
      readiness
        .filter((sample) => sample.endedAt < timeline.crashingAt)
        .every((sample) => sample.status === 200),
    ).toBe(true);
    expect(readiness.at(-1)?.status).toBe(200);
  });

  it('recovered in the same process, without a restart', async () => {
    expect(isAlive(server!)).toBe(true);
    expect(server!.process.child.pid).toBe(pidBefore);
    expect((await server!.client.get('/health/ready')).status).toBe(200);
  });

  it('applied every delivery report it acknowledged', async () => {
    const acknowledged = new Set([
      ...load.acknowledged('conversation-delivery'),
      ...load.acknowledged('plivo-status'),
    ]);
    expect(acknowledged.size).toBeGreaterThan(20);
    const notApplied = await waitFor(
      async () => {
        const rows = await probe((db) =>
          db.query<{ provider_message_id: string; status: string }>(
            `SELECT provider_message_id, status FROM messages WHERE direction = 'outbound' AND provider_message_id = ANY($1)`,
            [[...acknowledged]],
          ),
        );
        const delivered = new Set(
          rows.filter((row) => row.status === 'delivered').map((row) => row.provider_message_id),
        );
        return [...acknowledged].filter((id) => !delivered.has(id));
      },
      (missing) => missing.length === 0,
      // A report stored just before the crash is retried from the inbox once its lease (30 s) ends.
      { description: 'every acknowledged delivery report to be applied', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(notApplied).toEqual([]);
  }, 70_000);

  it('stored every inbound message it acknowledged', async () => {
    const acknowledged = new Set([
      ...load.acknowledged('conversation-inbound'),
      ...load.acknowledged('plivo-inbound'),
    ]);
    expect(acknowledged.size).toBeGreaterThan(20);
    const missing = await waitFor(
      async () => {
        const rows = await probe((db) =>
          db.query<{ provider_message_id: string; text: string }>(
            `SELECT provider_message_id, content->>'text' AS text FROM messages
              WHERE direction = 'inbound' AND channel_id = ANY($1) AND provider_message_id = ANY($2)`,
            [[channelIds.conversation, channelIds.plivo], [...acknowledged]],
          ),
        );
        const stored = new Set(
          rows
            .filter((row) => row.text === `load ${row.provider_message_id}`)
            .map((row) => row.provider_message_id),
        );
        return [...acknowledged].filter((id) => !stored.has(id));
      },
      (ids) => ids.length === 0,
      { description: 'every acknowledged inbound message to be stored', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(missing).toEqual([]);
  }, 70_000);
});
