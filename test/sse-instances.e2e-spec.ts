import { expect } from '@jest/globals';

import { simulateInbound, SseClient, type SseEvent, waitForInboundProcessed } from './support/inbox.js';
import {
  type ChannelView,
  createChannel,
  type MessageView,
  randomPhone,
  sandboxChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

// One JWT secret, so a token from one instance is valid on the other.
const SHARED = { JWT_SECRET: 'sse-instances-e2e-jwt-secret-0123456789abcdef' };
const STREAM = '/api/v1/conversations/stream';

const textOf = (message: MessageView) => message.content.text as string | undefined;
/** The texts of the messages created in one conversation, in the order the stream carried them. */
const createdTexts = (client: SseClient, conversationId: string) =>
  client
    .matching<MessageView>('message.created', (message) => message.conversationId === conversationId)
    .map(textOf);

describe('The inbox stream across instances', () => {
  let first: TestApp;
  let second: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let sandbox: ChannelView;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    [first, second] = await Promise.all([startMessagingApp(SHARED), startMessagingApp(SHARED)]);
    admin = await createUserAndLogin(first, 'admin');
    agent = await createUserAndLogin(first, 'agent');
    sandbox = await createChannel(first, admin, sandboxChannel());
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => Promise.all([first.close(), second.close()]));

  const open = async (sut: TestApp, headers: Record<string, string> = {}, query = '') => {
    const client = await SseClient.open(`${sut.url}${STREAM}${query}`, { ...bearer(agent), ...headers });
    clients.push(client);
    expect(client.status).toBe(200);
    await waitFor(
      () => client.events.length,
      (count) => count > 0,
      { description: 'the stream to open' },
    );
    return client;
  };
  const inbound = (sut: TestApp, from: string, text: string) =>
    simulateInbound(sut, admin, sandbox.id, from, text);
  const eventsWithIds = (client: SseClient): SseEvent[] => client.events.filter((event) => event.event);

  it('carries a change made on one instance to a stream opened on the other within 2 s', async () => {
    const onFirst = await open(first);
    const text = `Across instances ${Date.now()}`;

    const sentAt = Date.now();
    await inbound(second, randomPhone(), text);
    await onFirst.next<MessageView>('message.created', (message) => textOf(message) === text, 2_000);

    expect(Date.now() - sentAt).toBeLessThan(2_000);
    const ids = eventsWithIds(onFirst).map((event) => Number(event.id));
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  });

  it('replays exactly the missed events, in order, to a client reconnecting with Last-Event-ID', async () => {
    const phone = randomPhone();
    const before = await open(first);
    await inbound(first, phone, 'seen before the drop');
    const seen = await before.next<MessageView>(
      'message.created',
      (message) => textOf(message) === 'seen before the drop',
    );
    const lastSeen = eventsWithIds(before).at(-1)!;
    before.close();

    const missed = ['missed one', 'missed two', 'missed three'];
    // The sandbox posts each inbound message to itself a moment later: wait for each before the next,
    // so the order the events are logged in is the order they were sent in.
    for (const text of missed)
      await waitForInboundProcessed(second, sandbox.id, await inbound(second, phone, text));

    const resumed = await open(first, { 'Last-Event-ID': lastSeen.id! });
    await resumed.next<MessageView>('message.created', (message) => textOf(message) === 'missed three');
    await inbound(second, phone, 'live after the replay');
    await resumed.next<MessageView>(
      'message.created',
      (message) => textOf(message) === 'live after the replay',
    );

    const ids = eventsWithIds(resumed).map((event) => Number(event.id));
    expect(ids[0]).toBeGreaterThan(Number(lastSeen.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(createdTexts(resumed, seen.conversationId)).toEqual([...missed, 'live after the replay']);
  });

  it('answers 400 naming lastEventId when it is not an event id', async () => {
    const response = await first.http.get(`${STREAM}?lastEventId=yesterday`).set(bearer(agent)).expect(400);
    expect(JSON.stringify(response.body)).toContain('lastEventId');
  });
});
