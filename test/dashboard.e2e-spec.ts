import { expect } from '@jest/globals';

import { MessageRollupJob } from '../src/dashboard/message-rollup.job.js';
import { queryRows } from '../src/database/query-rows.js';
import { dereference, fetchDocument } from './reliability/support/openapi-operations.js';
import { bodyOf } from './support/bodies.js';
import { createChannel, randomPhone, sandboxChannel } from './support/messaging.js';
import { OpenApiSchemaValidator } from './support/openapi-schema-validator.js';
import { bearer, createUserAndLogin, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

interface Totals {
  sent: number;
  delivered: number;
  failed: number;
  inbound: number;
}

interface Dashboard {
  generatedAt: string;
  today: Totals;
  week: Totals;
  days: Array<Totals & { date: string }>;
  channels: Array<{ id: string; name: string; today: Totals; week: Totals; deliveryRate: number | null }>;
  campaignsInFlight: Array<{
    id: string;
    status: string;
    progress: number;
    stats: { total: number; queued: number; sent: number; delivered: number; skippedOptedOut: number };
  }>;
}

/** When a seeded message was created, always on the intended UTC day whatever the time of the run. */
const WHEN = {
  // Half-way between midnight (UTC) and now: today even a minute after midnight.
  today: `date_trunc('day', now(), 'UTC') + (now() - date_trunc('day', now(), 'UTC')) / 2`,
  threeDaysAgo: `date_trunc('day', now(), 'UTC') - interval '3 days' + interval '12 hours'`,
  eightDaysAgo: `date_trunc('day', now(), 'UTC') - interval '8 days' + interval '12 hours'`,
  now: `now()`,
} as const;

describe('Admin dashboard (GET /api/v1/dashboard)', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startTestApp();
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  const dashboard = async (): Promise<Dashboard> =>
    bodyOf<Dashboard>(await sut.http.get('/api/v1/dashboard').set(bearer(admin)).expect(200));

  /** A channel with one contact and conversation, and a way to add messages to it in bulk. */
  const seededChannel = async (name: string) => {
    const channel = await createChannel(sut, admin, { ...sandboxChannel(), name });
    const [conversation] = await queryRows<{ id: string; contact_id: string }>(
      sut.dataSource,
      `WITH contact AS (INSERT INTO contacts (phone) VALUES ($1) RETURNING id)
       INSERT INTO conversations (contact_id, channel_id) SELECT id, $2 FROM contact RETURNING id, contact_id`,
      [randomPhone(), channel.id],
    );
    const add = async (
      when: keyof typeof WHEN,
      direction: 'inbound' | 'outbound',
      status: string,
      count: number,
      campaignId: string | null = null,
    ) =>
      // A campaign messages each contact once: campaign rows get a contact each.
      queryRows<{ id: string }>(
        sut.dataSource,
        `WITH recipients AS (
           INSERT INTO contacts (phone)
           SELECT $8 || lpad(g::text, 3, '0') FROM generate_series(1, $7::int) g WHERE $5::uuid IS NOT NULL
           RETURNING id)
         INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, content, status, created_at)
         SELECT $1, $2, coalesce(r.id, $3), $4, $5, '{"kind":"text","text":"Hi"}', $6, ${WHEN[when]}
           FROM generate_series(1, $7::int) g
           LEFT JOIN (SELECT id, row_number() OVER () AS n FROM recipients) r ON r.n = g
         RETURNING id`,
        [
          direction,
          channel.id,
          conversation.contact_id,
          conversation.id,
          campaignId,
          status,
          count,
          randomPhone().slice(0, -3),
        ],
      );
    return { id: channel.id, add };
  };

  const campaign = async (channelId: string, status: string) => {
    const [row] = await queryRows<{ id: string }>(
      sut.dataSource,
      `INSERT INTO campaigns (name, channel_id, message, audience, status, total, skipped_opted_out, started_at)
       VALUES ($1, $2, '{"kind":"text","text":"Hi"}', '{"tags":["dashboard"]}', $3, 10, 1, now())
       RETURNING id`,
      [`Dashboard ${status}`, channelId, status],
    );
    return row.id;
  };

  const channelIn = (figures: Dashboard, id: string) => {
    const channel = figures.channels.find((c) => c.id === id);
    if (!channel) throw new Error(`channel ${id} is not on the dashboard`);
    return channel;
  };

  it('counts each channel’s messages of today and of the week by outcome, with its delivery rate', async () => {
    const busy = await seededChannel('Dashboard busy');
    await busy.add('today', 'outbound', 'delivered', 3);
    await busy.add('today', 'outbound', 'read', 1);
    await busy.add('today', 'outbound', 'sent', 2);
    await busy.add('today', 'outbound', 'failed', 1);
    await busy.add('today', 'outbound', 'rejected', 1);
    await busy.add('today', 'outbound', 'queued', 4);
    await busy.add('today', 'inbound', 'received', 5);
    await busy.add('threeDaysAgo', 'outbound', 'delivered', 10);
    await busy.add('threeDaysAgo', 'outbound', 'failed', 2);
    await busy.add('threeDaysAgo', 'inbound', 'received', 3);
    await busy.add('eightDaysAgo', 'outbound', 'delivered', 50);
    const undelivered = await seededChannel('Dashboard undelivered');
    await undelivered.add('threeDaysAgo', 'outbound', 'sent', 4);
    const quiet = await seededChannel('Dashboard quiet');

    const expectFigures = (figures: Dashboard) => {
      const busyFigures = channelIn(figures, busy.id);
      expect(busyFigures.today).toEqual({ sent: 6, delivered: 4, failed: 2, inbound: 5 });
      expect(busyFigures.week).toEqual({ sent: 16, delivered: 14, failed: 4, inbound: 8 });
      expect(busyFigures.deliveryRate).toBeCloseTo(14 / 20);
      const undeliveredFigures = channelIn(figures, undelivered.id);
      expect(undeliveredFigures.today).toEqual({ sent: 0, delivered: 0, failed: 0, inbound: 0 });
      expect(undeliveredFigures.week).toEqual({ sent: 4, delivered: 0, failed: 0, inbound: 0 });
      expect(undeliveredFigures.deliveryRate).toBe(0);
      expect(channelIn(figures, quiet.id).deliveryRate).toBeNull();

      expect(figures.days).toHaveLength(7);
      expect(figures.days[6].date).toBe(figures.generatedAt.slice(0, 10));
      expect(figures.days[6]).toEqual({ date: figures.days[6].date, ...figures.today });
      const sum = (key: keyof Totals) => figures.days.reduce((total, day) => total + day[key], 0);
      expect({
        sent: sum('sent'),
        delivered: sum('delivered'),
        failed: sum('failed'),
        inbound: sum('inbound'),
      }).toEqual(figures.week);
      expect(figures.days[3].delivered).toBeGreaterThanOrEqual(10);
      expect(figures.today.sent).toBeGreaterThanOrEqual(6);
    };

    // Counted from the messages themselves, then from the hourly rollup: the same figures.
    expectFigures(await dashboard());
    await sut.app.get(MessageRollupJob).tick();
    const [state] = await queryRows<{ rolled: boolean }>(
      sut.dataSource,
      `SELECT rolled_until BETWEEN now() - interval '1 minute' AND now() AS rolled FROM message_rollup_state`,
    );
    expect(state.rolled).toBe(true);
    expectFigures(await dashboard());
    // A pass recounts the current hour and the last few: nothing is counted twice.
    await sut.app.get(MessageRollupJob).tick();
    expectFigures(await dashboard());
  });

  it('adds messages after the rollup and recounts the last hours when a status moves on', async () => {
    const channel = await seededChannel('Dashboard live');
    // Written now, as the application writes every message. A row back-dated to half-way through today
    // lies before the three whole hours a pass recounts once it is 07:00 UTC, and was never counted.
    const [sent] = await channel.add('now', 'outbound', 'sent', 1);
    await sut.app.get(MessageRollupJob).tick();
    expect(channelIn(await dashboard(), channel.id).today).toEqual({
      sent: 1,
      delivered: 0,
      failed: 0,
      inbound: 0,
    });

    await channel.add('now', 'inbound', 'received', 2);
    await sut.dataSource.query(`UPDATE messages SET status = 'delivered' WHERE id = $1`, [sent.id]);
    await sut.app.get(MessageRollupJob).tick();
    expect(channelIn(await dashboard(), channel.id).today).toEqual({
      sent: 1,
      delivered: 1,
      failed: 0,
      inbound: 2,
    });
  });

  it('shows a campaign in flight with its counters and progress, and not a finished one', async () => {
    const channel = await seededChannel('Dashboard campaigns');
    const paused = await campaign(channel.id, 'paused');
    await channel.add('now', 'outbound', 'delivered', 3, paused);
    await channel.add('now', 'outbound', 'sent', 2, paused);
    await channel.add('now', 'outbound', 'queued', 4, paused);
    const completed = await campaign(channel.id, 'completed');

    const figures = await dashboard();
    const inFlight = figures.campaignsInFlight.find((c) => c.id === paused);
    expect(inFlight).toMatchObject({
      status: 'paused',
      stats: { total: 10, queued: 4, sent: 2, delivered: 3, skippedOptedOut: 1 },
    });
    // Settled: 2 sent + 3 delivered + 1 opted out, of 10.
    expect(inFlight?.progress).toBeCloseTo(0.6);
    expect(figures.campaignsInFlight.map((c) => c.id)).not.toContain(completed);
  });

  it('answers as its OpenAPI document says, with a campaign in flight and a channel without a rate', async () => {
    const document = await dereference(await fetchDocument(sut.url));
    const schema =
      document.paths['/api/v1/dashboard'].get.responses['200'].content?.['application/json'].schema;
    if (!schema) throw new Error('GET /api/v1/dashboard documents no 200 body');
    const quiet = await seededChannel('Dashboard documented');
    await campaign(quiet.id, 'sending');
    const figures = await dashboard();
    expect(figures.campaignsInFlight.length).toBeGreaterThan(0);
    expect(figures.channels.some((channel) => channel.deliveryRate === null)).toBe(true);
    expect(new OpenApiSchemaValidator().problems(schema, figures)).toEqual([]);
  });

  it('is for admins: an agent gets 403, no token 401, an admin API key 200', async () => {
    const agent = await createUserAndLogin(sut, 'agent');
    await sut.http.get('/api/v1/dashboard').set(bearer(agent)).expect(403);
    await sut.http.get('/api/v1/dashboard').expect(401);
    const key = bodyOf<{ key: string }>(
      await sut.http
        .post('/api/v1/api-keys')
        .set(bearer(admin))
        .send({ name: 'Dashboard wall screen', role: 'admin' })
        .expect(201),
    );
    await sut.http
      .get('/api/v1/dashboard')
      .set({ Authorization: `Bearer ${key.key}` })
      .expect(200);
  });
});
