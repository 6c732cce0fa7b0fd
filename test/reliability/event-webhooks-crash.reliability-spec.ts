import { Webhook } from 'standardwebhooks';

import { WebhookReceiver } from '../fakes/webhook-receiver.server.js';
import { randomPhone } from '../support/messaging.js';
import { waitFor } from '../support/wait-for.js';
import { CampaignDeployment, DEPLOYMENT_ADMIN } from './support/campaign-deployment.js';

const CONTACTS = 200;

async function call<T>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

describe('Event webhooks when the instance is killed between the change and the delivery', () => {
  // The receiver lives in the test process: it outlives the app and remembers every request.
  const receiver = new WebhookReceiver(() => 'hang');
  let deployment: CampaignDeployment;

  beforeAll(async () => {
    await receiver.start();
    deployment = await CampaignDeployment.create({
      dispatchIntervalMs: 1000,
      env: {
        WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: 'true',
        WEBHOOK_DELIVERY_INTERVAL_MS: '100',
        WEBHOOK_DELIVERY_CONCURRENCY: '4',
        // Deliveries the dead instance held are taken over when their lease (timeout + 30 s) ends.
        WEBHOOK_DELIVERY_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await deployment?.destroy();
    await receiver.stop();
  });

  it('delivers every event after a restart, each verifiable, none lost', async () => {
    const first = await deployment.startInstance();
    const { accessToken } = await call<{ accessToken: string }>(
      first.url,
      undefined,
      'POST',
      '/api/v1/auth/login',
      DEPLOYMENT_ADMIN,
    );
    const { key } = await call<{ key: string }>(first.url, accessToken, 'POST', '/api/v1/api-keys', {
      name: 'crash test',
      role: 'admin',
    });
    const endpoint = await call<{ id: string; secret: string }>(
      first.url,
      key,
      'POST',
      '/api/v1/webhook-endpoints',
      {
        url: receiver.url,
        events: ['contact.opted_out'],
      },
    );

    const contactIds: string[] = [];
    for (let i = 0; i < CONTACTS; i++) {
      const contact = await call<{ id: string }>(first.url, key, 'POST', '/api/v1/contacts', {
        phone: randomPhone(),
      });
      await call(first.url, key, 'POST', `/api/v1/contacts/${contact.id}/opt-out`);
      contactIds.push(contact.id);
    }
    // Every change is committed (its 2xx came back); the receiver has held every request so far.
    await deployment.crash(first);
    const beforeRestart = receiver.received.length;
    expect(beforeRestart).toBeLessThan(CONTACTS);

    receiver.answerWith(() => ({ status: 200 }));
    const second = await deployment.startInstance();
    const delivered = await waitFor(
      () =>
        new Set(
          receiver.received.map((webhook) => {
            const headers = Object.fromEntries(
              ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
                name,
                String(webhook.headers[name]),
              ]),
            );
            const event = new Webhook(endpoint.secret).verify(webhook.body, headers) as {
              type: string;
              data: { id: string };
            };
            return event.data.id;
          }),
        ),
      (ids) => contactIds.every((id) => ids.has(id)),
      { description: 'every opt-out delivered after the restart', timeoutMs: 90_000 },
    ).catch(deployment.explain);
    process.stdout.write(
      `event-webhooks-crash: ${beforeRestart} requests reached the receiver before the kill, ${receiver.received.length} in all, ${delivered.size} distinct events\n`,
    );
    expect(delivered.size).toBe(CONTACTS);
    const metrics = await fetch(`${second.url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(
      /switchboard_event_webhook_deliveries_total\{endpoint_id="[^"]+",outcome="succeeded"\} \d+/,
    );
  }, 240_000);
});
