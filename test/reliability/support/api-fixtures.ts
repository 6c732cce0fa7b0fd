import { randomBytes, randomInt } from 'node:crypto';

import { waitFor } from '../../support/wait-for.js';
import { expectStatus, type HttpClient } from './http-client.js';
import { fillPath, type Route } from './route-catalogue.js';

/** One existing record behind every `{id}` of the API, so that a route reached by mistake would act on something real. */
export interface ApiFixtures {
  users: string;
  channels: string;
  contacts: string;
  'auto-replies': string;
  'canned-responses': string;
  messages: string;
  conversations: string;
  campaigns: string;
  'api-keys': string;
  'webhook-endpoints': string;
  /** A delivery of the fixture endpoint: the `{deliveryId}` of its routes. */
  'webhook-deliveries': string;
}

export const randomUsPhone = () =>
  `+1415${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

type WithId = { id: string };

/**
 * Creates the records through the API as the admin; the channel is a sandbox (no provider needed).
 * Returns once the sandbox has delivered the message, so that no callback of its lands later.
 */
export async function createApiFixtures(client: HttpClient, adminToken: string): Promise<ApiFixtures> {
  const token = adminToken;
  const user = expectStatus<WithId>(
    await client.post('/api/v1/users', {
      json: {
        email: `fixture-${randomBytes(6).toString('hex')}@example.com`,
        password: `fixture-${randomBytes(12).toString('hex')}`,
        role: 'agent',
        name: 'Fixture',
      },
      token,
    }),
    201,
  );
  const channel = expectStatus<WithId>(
    await client.post('/api/v1/channels', {
      json: {
        name: 'Fixture sandbox',
        provider: 'sandbox',
        sender: '+12025550199',
        config: { deliveryDelayMs: 50 },
      },
      token,
    }),
    201,
  );
  const contact = expectStatus<WithId>(
    await client.post('/api/v1/contacts', {
      json: { phone: randomUsPhone(), name: 'Fixture contact' },
      token,
    }),
    201,
  );
  const autoReply = expectStatus<WithId>(
    await client.post('/api/v1/auto-replies', {
      json: { keywords: [`FIXTURE${randomInt(1e6)}`], match: 'exact', reply: 'Fixture reply' },
      token,
    }),
    201,
  );
  const cannedResponse = expectStatus<WithId>(
    await client.post('/api/v1/canned-responses', {
      json: { shortcode: `fixture${randomInt(1e6)}`, text: 'Hi {{firstName}}, fixture reply' },
      token,
    }),
    201,
  );
  const sent = expectStatus<{ id: string; conversationId: string }>(
    await client.post('/api/v1/messages', {
      json: { channelId: channel.id, to: randomUsPhone(), text: 'Fixture message' },
      token,
    }),
    202,
  );
  const campaign = expectStatus<WithId>(
    await client.post('/api/v1/campaigns', {
      json: {
        name: 'Fixture campaign',
        channelId: channel.id,
        message: { text: 'Fixture campaign text' },
        audience: { contactIds: [contact.id] },
      },
      token,
    }),
    201,
  );
  const apiKey = expectStatus<WithId>(
    await client.post('/api/v1/api-keys', { json: { name: 'Fixture key', role: 'agent' }, token }),
    201,
  );
  // Nothing listens on port 9: its deliveries fail and wait for their retries, which is all a fixture needs.
  const endpoint = expectStatus<WithId>(
    await client.post('/api/v1/webhook-endpoints', {
      json: { url: 'http://127.0.0.1:9/fixture-hooks', events: ['contact.opted_out'] },
      token,
    }),
    201,
  );
  const optingOut = expectStatus<WithId>(
    await client.post('/api/v1/contacts', {
      json: { phone: randomUsPhone(), name: 'Fixture opt-out' },
      token,
    }),
    201,
  );
  expectStatus(await client.post(`/api/v1/contacts/${optingOut.id}/opt-out`, { token }), 200);
  const [delivery] = await waitFor(
    async () =>
      expectStatus<{ items: Array<{ deliveryId: string }> }>(
        await client.get(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token }),
        200,
      ).items,
    (items) => items.length > 0,
    { description: 'the fixture endpoint to have a delivery', timeoutMs: 15_000 },
  );
  await waitFor(
    async () =>
      expectStatus<{ status: string }>(await client.get(`/api/v1/messages/${sent.id}`, { token }), 200),
    (message) => message.status === 'delivered',
    { description: 'the sandbox to deliver the fixture message', timeoutMs: 15_000 },
  );
  return {
    users: user.id,
    channels: channel.id,
    contacts: contact.id,
    'auto-replies': autoReply.id,
    'canned-responses': cannedResponse.id,
    messages: sent.id,
    conversations: sent.conversationId,
    campaigns: campaign.id,
    'api-keys': apiKey.id,
    'webhook-endpoints': endpoint.id,
    'webhook-deliveries': delivery.deliveryId,
  };
}

/** The route's path with `{id}` set to the fixture of its resource (`/api/v1/<resource>/{id}…`). */
export function fixturePath(route: Route, fixtures: ApiFixtures): string {
  const resource = /^\/api\/v1\/([\w-]+)\//.exec(route.path)?.[1] as keyof ApiFixtures | undefined;
  const values: Record<string, string> = {};
  for (const param of route.params) {
    if (param === 'deliveryId') {
      values[param] = fixtures['webhook-deliveries'];
      continue;
    }
    if (param !== 'id' || !resource || !(resource in fixtures))
      throw new Error(`No fixture for {${param}} in ${route.path}`);
    values[param] = fixtures[resource];
  }
  return fillPath(route, values);
}
