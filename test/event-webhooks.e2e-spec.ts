import { hostname } from 'node:os';

import { expect } from '@jest/globals';
import { Webhook } from 'standardwebhooks';

import { SecretBox } from '../src/common/crypto/secret-box.js';
import { queryRows } from '../src/database/query-rows.js';
import { EventWebhooksRetentionJob } from '../src/event-webhooks/event-webhooks-retention.job.js';
import { type ReceivedWebhook, WebhookReceiver } from './fakes/webhook-receiver.server.js';
import { bodyOf, errorOf, fieldsOf } from './support/bodies.js';
import {
  campaignAction,
  createCampaign,
  seedContacts,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import { type PageView, simulateInbound } from './support/inbox.js';
import {
  type ChannelView,
  createChannel,
  randomPhone,
  sandboxChannel,
  type SendResult,
  startIsolatedMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

interface EndpointView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  secret: string;
  createdAt: string;
}

interface DeliveryView {
  id: string;
  deliveryId: string;
  eventId: string;
  type: string;
  attempt: number;
  status: 'succeeded' | 'failed' | 'pending';
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  at: string;
  nextAttemptAt: string | null;
}

interface EventBody {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Verifies a received webhook with the standardwebhooks library (the oracle) and returns its body. */
function verified(secret: string, webhook: ReceivedWebhook): EventBody {
  const headers = Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
      name,
      String(webhook.headers[name]),
    ]),
  );
  return new Webhook(secret).verify(webhook.body, headers) as EventBody;
}

describe('Event webhooks', () => {
  let sut: TestApp;
  let admin: TestUser;
  let sandbox: ChannelView;
  const receivers: WebhookReceiver[] = [];

  const receiver = async (answer?: ConstructorParameters<typeof WebhookReceiver>[0]) => {
    const created = new WebhookReceiver(answer);
    await created.start();
    receivers.push(created);
    return created;
  };
  const subscribe = async (url: string, events: string[]) =>
    bodyOf<EndpointView>(
      await sut.http.post('/api/v1/webhook-endpoints').set(bearer(admin)).send({ url, events }).expect(201),
    );
  const deliveriesOf = async (endpointId: string) =>
    bodyOf<PageView<DeliveryView>>(
      await sut.http.get(`/api/v1/webhook-endpoints/${endpointId}/deliveries`).set(bearer(admin)).expect(200),
    ).items;
  const eventsOf = (secret: string, target: WebhookReceiver) =>
    target.received.map((webhook) => verified(secret, webhook));
  const waitForEvent = (
    secret: string,
    target: WebhookReceiver,
    matches: (event: EventBody) => boolean,
    description: string,
  ) =>
    waitFor(
      () => eventsOf(secret, target).find(matches),
      (event) => event !== undefined,
      { description, timeoutMs: 20_000 },
    ) as Promise<EventBody>;

  beforeAll(async () => {
    sut = await startIsolatedMessagingApp({
      WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: 'true',
      WEBHOOK_DELIVERY_INTERVAL_MS: '100',
      WEBHOOK_DELIVERY_TIMEOUT_MS: '3000',
      CAMPAIGN_DISPATCH_INTERVAL_MS: '200',
    });
    admin = await createUserAndLogin(sut, 'admin');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 50 }));
  });
  afterAll(async () => {
    await sut.close();
    await Promise.all(receivers.map((target) => target.stop()));
  });

  it('creates an endpoint whose secret is shown once, lists, changes and deletes it', async () => {
    const target = await receiver();
    const created = await subscribe(target.url, ['message.received', 'message.received', '*']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(created).toMatchObject({ url: target.url, events: ['message.received', '*'], enabled: true });

    const shown = bodyOf<EndpointView>(
      await sut.http.get(`/api/v1/webhook-endpoints/${created.id}`).set(bearer(admin)).expect(200),
    );
    expect(shown.secret).not.toBe(created.secret);
    expect(shown.secret).toBe(`whsec_••••${created.secret.slice(-4)}`);
    const list = bodyOf<PageView<EndpointView>>(
      await sut.http.get('/api/v1/webhook-endpoints').set(bearer(admin)).expect(200),
    );
    expect(list.items.map((item) => item.id)).toContain(created.id);
    expect(JSON.stringify(list)).not.toContain(created.secret);

    const changed = bodyOf<EndpointView>(
      await sut.http
        .patch(`/api/v1/webhook-endpoints/${created.id}`)
        .set(bearer(admin))
        .send({ events: ['conversation.assigned'], enabled: false })
        .expect(200),
    );
    expect(changed).toMatchObject({
      events: ['conversation.assigned'],
      enabled: false,
      disabledReason: 'disabled by an admin',
    });

    await sut.http.delete(`/api/v1/webhook-endpoints/${created.id}`).set(bearer(admin)).expect(204);
    await sut.http.get(`/api/v1/webhook-endpoints/${created.id}`).set(bearer(admin)).expect(404);
  });

  it('validates endpoints: event names, an empty filter, the URL; agents get 403', async () => {
    const bad = await sut.http
      .post('/api/v1/webhook-endpoints')
      .set(bearer(admin))
      .send({ url: 'not a url', events: ['message.deleted'] })
      .expect(400);
    expect(fieldsOf(bad).sort()).toEqual(['events', 'url']);
    await sut.http
      .post('/api/v1/webhook-endpoints')
      .set(bearer(admin))
      .send({ url: 'https://crm.example.com/hooks', events: [] })
      .expect(400);
    const agent = await createUserAndLogin(sut, 'agent');
    await sut.http.get('/api/v1/webhook-endpoints').set(bearer(agent)).expect(403);
  });

  it('delivers every event type, each signed as Standard Webhooks says', async () => {
    const target = await receiver();
    const endpoint = await subscribe(target.url, ['*']);
    const phone = randomPhone();

    await simulateInbound(sut, admin, sandbox.id, phone, 'hello from a customer');
    const received = await waitForEvent(
      endpoint.secret,
      target,
      (event) => event.type === 'message.received' && event.data.address === phone,
      'message.received',
    );
    expect(received.data).toMatchObject({ direction: 'inbound', status: 'received', channelId: sandbox.id });
    expect(received.data.content).toEqual({ kind: 'text', text: 'hello from a customer' });

    const conversationId = received.data.conversationId as string;
    await sut.http
      .patch(`/api/v1/conversations/${conversationId}`)
      .set(bearer(admin))
      .send({ assigneeId: admin.id })
      .expect(200);
    const assigned = await waitForEvent(
      endpoint.secret,
      target,
      (event) => event.type === 'conversation.assigned' && event.data.id === conversationId,
      'conversation.assigned',
    );
    expect(assigned.data).toMatchObject({
      assigneeId: admin.id,
      previousAssigneeId: null,
      channelId: sandbox.id,
    });
    // Changing only the status assigns nobody: no event.
    await sut.http
      .patch(`/api/v1/conversations/${conversationId}`)
      .set(bearer(admin))
      .send({ status: 'closed' })
      .expect(200);

    const sent = bodyOf<SendResult>(
      await sut.http
        .post('/api/v1/messages')
        .set(bearer(admin))
        .send({ channelId: sandbox.id, to: phone, text: 'hello back' })
        .expect(202),
    );
    const status = await waitForEvent(
      endpoint.secret,
      target,
      (event) =>
        event.type === 'message.status' && event.data.id === sent.id && event.data.status === 'delivered',
      'message.status delivered',
    );
    expect(status.data).toMatchObject({
      direction: 'outbound',
      address: phone,
      conversationId: sent.conversationId,
    });
    const statuses = await waitFor(
      () =>
        eventsOf(endpoint.secret, target)
          .filter((event) => event.type === 'message.status' && event.data.id === sent.id)
          .map((event) => event.data.status),
      (seen) => seen.length >= 2,
      { description: 'message.status sent and delivered' },
    );
    // Both changes, each once; their order of arrival is not guaranteed.
    expect(statuses.sort()).toEqual(['delivered', 'sent']);

    await simulateInbound(sut, admin, sandbox.id, phone, 'STOP');
    const optedOut = await waitForEvent(
      endpoint.secret,
      target,
      (event) => event.type === 'contact.opted_out' && event.data.phone === phone,
      'contact.opted_out',
    );
    expect(optedOut.data).toMatchObject({ optedOut: true });
    await simulateInbound(sut, admin, sandbox.id, phone, 'START');
    await waitForEvent(
      endpoint.secret,
      target,
      (event) =>
        event.type === 'contact.opted_in' && event.data.phone === phone && event.data.optedOut === false,
      'contact.opted_in',
    );

    const tag = uniqueTag('hooks');
    await seedContacts(sut, { count: 3, tag });
    const campaign = await createCampaign(sut, admin, {
      channelId: sandbox.id,
      message: { text: 'Hi {{firstName}}' },
      audience: { tags: [tag] },
    });
    await campaignAction(sut, admin, campaign.id, 'schedule');
    await waitForCampaign(sut, admin, campaign.id, (view) => view.status === 'completed');
    const campaignStatuses = await waitFor(
      () =>
        eventsOf(endpoint.secret, target)
          .filter((event) => event.type === 'campaign.status' && event.data.id === campaign.id)
          .map((event) => event.data.status),
      (statuses) => statuses.includes('completed'),
      { description: 'campaign.status completed' },
    );
    expect(campaignStatuses).toEqual(['scheduled', 'sending', 'completed']);
    // Each recipient's message is reported as sent by the dispatcher's own bookkeeping.
    await waitFor(
      () =>
        eventsOf(endpoint.secret, target).filter(
          (event) =>
            event.type === 'message.status' &&
            event.data.campaignId === campaign.id &&
            event.data.status === 'sent',
        ).length,
      (count) => count === 3,
      { description: 'message.status sent for each campaign recipient' },
    );

    for (const webhook of target.received) {
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(Number(webhook.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
    }
    const ids = target.received.map((webhook) => webhook.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      eventsOf(endpoint.secret, target).filter(
        (event) => event.type === 'conversation.assigned' && event.data.id === conversationId,
      ),
    ).toHaveLength(1);
    const attempts = await deliveriesOf(endpoint.id);
    expect(attempts.length).toBeGreaterThanOrEqual(ids.length);
    const made = attempts.filter((attempt) => attempt.status !== 'pending');
    expect(made.every((attempt) => attempt.status === 'succeeded' && attempt.responseStatus === 200)).toBe(
      true,
    );

    const metrics = (await sut.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(
      new RegExp(
        `switchboard_event_webhook_deliveries_total\\{endpoint_id="${endpoint.id}",outcome="succeeded"\\} [1-9]`,
      ),
    );
    expect(metrics).toMatch(/^switchboard_event_webhook_outbox_lag_seconds \d/m);
  });

  it('sends only the types an endpoint subscribed to', async () => {
    const statusOnly = await receiver();
    const all = await receiver();
    const statusEndpoint = await subscribe(statusOnly.url, ['message.status']);
    const allEndpoint = await subscribe(all.url, ['*']);
    const phone = randomPhone();
    await simulateInbound(sut, admin, sandbox.id, phone, 'only for the catch-all');
    await waitForEvent(
      allEndpoint.secret,
      all,
      (event) => event.data.address === phone,
      'the catch-all gets it',
    );
    const sent = bodyOf<SendResult>(
      await sut.http
        .post('/api/v1/messages')
        .set(bearer(admin))
        .send({ channelId: sandbox.id, to: phone, text: 'x' })
        .expect(202),
    );
    await waitForEvent(
      statusEndpoint.secret,
      statusOnly,
      (event) => event.data.id === sent.id,
      'status for the reply',
    );
    expect(
      eventsOf(statusEndpoint.secret, statusOnly).every((event) => event.type === 'message.status'),
    ).toBe(true);
  });

  it('retries a receiver that answers 500 with the same webhook-id, and records every attempt', async () => {
    let calls = 0;
    const target = await receiver(() =>
      ++calls <= 2 ? { status: 500, body: 'x'.repeat(5000) } : { status: 204 },
    );
    const endpoint = await subscribe(target.url, ['message.received']);
    await simulateInbound(sut, admin, sandbox.id, randomPhone(), 'retry me');

    await waitFor(
      () => target.received.length,
      (count) => count >= 3,
      { description: 'three attempts', timeoutMs: 30_000 },
    );
    const ids = target.received.map((webhook) => webhook.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    for (const webhook of target.received) verified(endpoint.secret, webhook);
    expect(target.received[1].at - target.received[0].at).toBeLessThan(10_000);

    const attempts = await waitFor(
      () => deliveriesOf(endpoint.id),
      (items) => items.some((item) => item.status === 'succeeded'),
      { description: 'the third attempt recorded' },
    );
    expect(attempts.map((item) => [item.attempt, item.status, item.responseStatus])).toEqual([
      [3, 'succeeded', 204],
      [2, 'failed', 500],
      [1, 'failed', 500],
    ]);
    expect(attempts[1].responseBody).toHaveLength(1024);
    expect(attempts[0].eventId).toBe(ids[0]);
  });

  it('gives up after a day, retries by hand, and disables an endpoint failing for a day', async () => {
    let healthy = false;
    const target = await receiver(() => (healthy ? { status: 200 } : { status: 503 }));
    const endpoint = await subscribe(target.url, ['message.received']);
    await sut.dataSource.query(
      `UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours' WHERE id = $1`,
      [endpoint.id],
    );
    await simulateInbound(sut, admin, sandbox.id, randomPhone(), 'nobody answers');
    await waitFor(
      () => target.received.length,
      (count) => count >= 1,
      { description: 'the first attempt' },
    );
    const disabled = await waitFor(
      async () =>
        bodyOf<EndpointView>(
          await sut.http.get(`/api/v1/webhook-endpoints/${endpoint.id}`).set(bearer(admin)),
        ),
      (view) => !view.enabled,
      { description: 'the endpoint disabled' },
    );
    expect(disabled.disabledReason).toMatch(/24 hours.*HTTP 503/);

    const [pending] = await deliveriesOf(endpoint.id);
    await sut.dataSource.query(
      `UPDATE webhook_deliveries SET created_at = now() - interval '25 hours' WHERE id = $1`,
      [pending.deliveryId],
    );
    await sut.http
      .patch(`/api/v1/webhook-endpoints/${endpoint.id}`)
      .set(bearer(admin))
      .send({ enabled: true })
      .expect(200);
    await sut.http
      .post(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${pending.deliveryId}/retry`)
      .set(bearer(admin))
      .expect(202);
    const gaveUp = await waitFor(
      () => deliveriesOf(endpoint.id),
      (items) => items.length >= 2 && items[0].status === 'failed' && items[0].nextAttemptAt === null,
      { description: 'a day-old delivery given up after its failed attempt' },
    );
    expect(gaveUp[0].attempt).toBe(2);

    healthy = true;
    await sut.http
      .post(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${pending.deliveryId}/retry`)
      .set(bearer(admin))
      .expect(202);
    const retried = await waitFor(
      () => deliveriesOf(endpoint.id),
      (items) => items[0]?.status === 'succeeded',
      { description: 'the manual retry delivered' },
    );
    expect(retried[0].attempt).toBe(3);
    const again = await sut.http
      .post(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${pending.deliveryId}/retry`)
      .set(bearer(admin))
      .expect(409);
    expect(errorOf(again).statusCode).toBe(409);
  });

  it('does not let a hanging receiver hold up another endpoint', async () => {
    const hanging = await receiver(() => 'hang');
    const prompt = await receiver();
    await subscribe(hanging.url, ['message.received']);
    const promptEndpoint = await subscribe(prompt.url, ['message.received']);
    const phone = randomPhone();
    await simulateInbound(sut, admin, sandbox.id, phone, 'first');
    await waitFor(
      () => hanging.received.length,
      (count) => count >= 1,
      { description: 'the hanging receiver holds a request' },
    );
    await simulateInbound(sut, admin, sandbox.id, phone, 'second');
    const second = await waitForEvent(
      promptEndpoint.secret,
      prompt,
      (event) => (event.data.content as { text?: string }).text === 'second',
      'the prompt receiver gets the second message',
    );
    expect(second.type).toBe('message.received');
  });

  it('delivers through an API key-authenticated change as well, and refuses a revoked key', async () => {
    const key = bodyOf<{ id: string; key: string }>(
      await sut.http
        .post('/api/v1/api-keys')
        .set(bearer(admin))
        .send({ name: 'integration', role: 'admin' })
        .expect(201),
    );
    const target = await receiver();
    const created = await sut.http
      .post('/api/v1/webhook-endpoints')
      .set({ Authorization: `Bearer ${key.key}` })
      .send({ url: target.url, events: ['contact.opted_out'] })
      .expect(201);
    const endpoint = bodyOf<EndpointView>(created);
    const contact = bodyOf<{ id: string }>(
      await sut.http
        .post('/api/v1/contacts')
        .set({ Authorization: `Bearer ${key.key}` })
        .send({ phone: randomPhone() })
        .expect(201),
    );
    await sut.http
      .post(`/api/v1/contacts/${contact.id}/opt-out`)
      .set({ Authorization: `Bearer ${key.key}` })
      .expect(200);
    await waitForEvent(
      endpoint.secret,
      target,
      (event) => event.data.id === contact.id,
      'contact.opted_out via the API',
    );
    await sut.http
      .post(`/api/v1/contacts/${contact.id}/opt-out`)
      .set({ Authorization: `Bearer ${key.key}` })
      .expect(200);

    await sut.http.delete(`/api/v1/api-keys/${key.id}`).set(bearer(admin)).expect(204);
    await sut.http
      .get('/api/v1/webhook-endpoints')
      .set({ Authorization: `Bearer ${key.key}` })
      .expect(401);
    expect(eventsOf(endpoint.secret, target).filter((event) => event.data.id === contact.id)).toHaveLength(1);
  });
});

describe('Event webhook retention', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startIsolatedMessagingApp({
      WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: 'true',
      EVENT_WEBHOOKS_RETENTION_DAYS: '7',
    });
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  it('deletes settled events past retention with their deliveries, and keeps recent, pending or unfanned ones', async () => {
    const endpoint = bodyOf<EndpointView>(
      await sut.http
        .post('/api/v1/webhook-endpoints')
        .set(bearer(admin))
        .send({ url: 'http://127.0.0.1:9/hooks', events: ['*'], description: 'never reached' })
        .expect(201),
    );
    await sut.http
      .patch(`/api/v1/webhook-endpoints/${endpoint.id}`)
      .set(bearer(admin))
      .send({ enabled: false })
      .expect(200);
    const event = async (
      daysAgo: number,
      delivery: 'succeeded' | 'failed' | 'pending' | 'not fanned out',
    ) => {
      const [row] = await queryRows<{ id: string; seq: string }>(
        sut.dataSource,
        `INSERT INTO outbound_events (type, data, created_at, fanned_out_at)
         VALUES ('message.received', '{}', now() - make_interval(days => $1), CASE WHEN $2 THEN now() END)
         RETURNING id, seq`,
        [daysAgo, delivery !== 'not fanned out'],
      );
      if (delivery !== 'not fanned out')
        await sut.dataSource.query(
          `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_seq, status) VALUES ($1, $2, $3, $4)`,
          [endpoint.id, row.id, row.seq, delivery],
        );
      return row.id;
    };
    const settled = [await event(8, 'succeeded'), await event(30, 'failed')];
    const kept = [await event(6, 'succeeded'), await event(30, 'pending'), await event(30, 'not fanned out')];

    await sut.app.get(EventWebhooksRetentionJob).tick();

    const remaining = await queryRows<{ id: string }>(
      sut.dataSource,
      `SELECT id FROM outbound_events WHERE id = ANY($1)`,
      [[...settled, ...kept]],
    );
    expect(remaining.map((row) => row.id).sort()).toEqual([...kept].sort());
    const deliveries = await queryRows<{ count: number }>(
      sut.dataSource,
      `SELECT count(*)::int AS count FROM webhook_deliveries WHERE event_id = ANY($1)`,
      [settled],
    );
    expect(deliveries[0].count).toBe(0);
  });
});

describe('Event webhook endpoints without WEBHOOK_ENDPOINTS_ALLOW_PRIVATE', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startIsolatedMessagingApp({ WEBHOOK_DELIVERY_INTERVAL_MS: '100' });
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  it.each([
    'http://crm.example.com/hooks',
    'https://127.0.0.1/hooks',
    'https://[::1]/hooks',
    'https://10.0.0.7/hooks',
    'https://169.254.169.254/latest',
    'https://localhost:8443/hooks',
    // Not a literal address: refused because the machine's own name resolves to a loopback or private address.
    `https://${hostname()}:8443/hooks`,
  ])('refuses %s with 400', async (url) => {
    const refused = await sut.http
      .post('/api/v1/webhook-endpoints')
      .set(bearer(admin))
      .send({ url, events: ['*'] })
      .expect(400);
    expect(fieldsOf(refused)).toEqual(['url']);
  });

  it('checks the address again when it connects, so a name that now resolves to loopback is not reached', async () => {
    const target = new WebhookReceiver();
    await target.start();
    try {
      // As if the name had resolved to a public address when the endpoint was saved (DNS rebinding).
      const port = new URL(target.url).port;
      const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1U5Gxb0jZk8=';
      const [endpoint] = await queryRows<{ id: string }>(
        sut.dataSource,
        `INSERT INTO webhook_endpoints (url, events, secret_sealed) VALUES ($1, ARRAY['*'], $2) RETURNING id`,
        [`https://${hostname()}:${port}/hooks`, sut.app.get(SecretBox).seal(secret)],
      );
      await sut.dataSource.query(
        `INSERT INTO outbound_events (type, data) VALUES ('contact.opted_out', '{"id":"rebinding"}')`,
      );
      const [attempt] = await waitFor(
        () => deliveriesOf(sut, admin, endpoint.id),
        (items) => items.some((item) => item.status === 'failed'),
        { description: 'the refused attempt recorded' },
      );
      expect(attempt.error).toMatch(/loopback, private or link-local/);
      expect(attempt.responseStatus).toBeNull();
      expect(target.received).toHaveLength(0);
    } finally {
      await target.stop();
    }
  });
});

async function deliveriesOf(sut: TestApp, admin: TestUser, endpointId: string): Promise<DeliveryView[]> {
  return bodyOf<PageView<DeliveryView>>(
    await sut.http.get(`/api/v1/webhook-endpoints/${endpointId}/deliveries`).set(bearer(admin)).expect(200),
  ).items;
}
