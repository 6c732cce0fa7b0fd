import type { Server } from 'node:http';
import type { Socket } from 'node:net';

import { expect } from '@jest/globals';

import { type ConversationView, simulateInbound, SseClient, within } from './support/inbox.js';
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

interface StatusEvent {
  id: string;
  conversationId: string;
  status: string;
  statusReason: string | null;
  errorCode: string | null;
  statusUpdatedAt: string;
}

const STREAM = '/api/v1/conversations/stream';

describe('The inbox event stream (SSE)', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let sandbox: ChannelView;
  const clients: SseClient[] = [];
  /** Server-side sockets, to see the server hang up its end. */
  const serverSockets: Socket[] = [];

  beforeAll(async () => {
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 150 }));
    (sut.app.getHttpServer() as Server).on('connection', (socket: Socket) => serverSockets.push(socket));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await sut.close();
  });

  const open = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${sut.url}${path}`, headers);
    clients.push(client);
    return client;
  };
  const openWithHeader = (user: TestUser) => open(STREAM, bearer(user));

  it('answers 401 without a token or with a bad one, and takes ?access_token= on the stream only', async () => {
    const none = await sut.http.get(STREAM).expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    await sut.http.get(`${STREAM}?access_token=not-a-token`).expect(401);
    await sut.http.get(STREAM).set({ Authorization: 'Bearer not-a-token' }).expect(401);
    await sut.http.get(`/api/v1/conversations?access_token=${agent.accessToken}`).expect(401);
  });

  it('with an Authorization header: a comment first, then message.created and conversation.updated for an inbound message, and message.status for the reply', async () => {
    const stream = await openWithHeader(agent);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toMatch(/no-cache/);
    await waitFor(
      () => stream.events.length,
      (count) => count > 0,
      { description: 'the first block of the stream' },
    );
    expect(stream.events[0].comment).toEqual(expect.any(String));
    expect(stream.events[0].event).toBeUndefined();

    const phone = randomPhone();
    await simulateInbound(sut, admin, sandbox.id, phone, 'Live hello');

    const created = await stream.next<MessageView>('message.created', (message) => message.address === phone);
    expect(created).toMatchObject({
      direction: 'inbound',
      status: 'received',
      channelId: sandbox.id,
      content: { kind: 'text', text: 'Live hello' },
    });
    const updated = await stream.next<ConversationView>(
      'conversation.updated',
      (conversation) => conversation.id === created.conversationId,
    );
    expect(updated).toMatchObject({
      channelId: sandbox.id,
      contact: { phone },
      unreadCount: 1,
      lastMessagePreview: 'Live hello',
    });

    const reply = await sut.http
      .post(`/api/v1/conversations/${created.conversationId}/messages`)
      .set(bearer(agent))
      .send({ text: 'Live reply' })
      .expect(202);
    const replyId = (reply.body as { id: string }).id;

    const outbound = await stream.next<MessageView>('message.created', (message) => message.id === replyId);
    expect(outbound).toMatchObject({
      direction: 'outbound',
      conversationId: created.conversationId,
      content: { kind: 'text', text: 'Live reply' },
    });
    const delivered = await stream.next<StatusEvent>(
      'message.status',
      (event) => event.id === replyId && event.status === 'delivered',
    );
    expect(delivered).toMatchObject({
      conversationId: created.conversationId,
      statusUpdatedAt: expect.any(String),
    });
    // Marking it read is an update too.
    await sut.http
      .post(`/api/v1/conversations/${created.conversationId}/read`)
      .set(bearer(agent))
      .expect(204);
    await stream.next<ConversationView>(
      'conversation.updated',
      (conversation) => conversation.id === created.conversationId && conversation.unreadCount === 0,
    );

    // Every data line is one JSON object.
    for (const event of stream.events.filter((e) => e.event !== undefined)) {
      expect(['message.created', 'message.status', 'conversation.updated']).toContain(event.event);
      expect(() => JSON.parse(event.data ?? '') as unknown).not.toThrow();
    }
  });

  it('with ?access_token= (as EventSource has no headers)', async () => {
    const stream = await open(`${STREAM}?access_token=${encodeURIComponent(agent.accessToken)}`);
    expect(stream.status).toBe(200);
    const phone = randomPhone();

    await simulateInbound(sut, admin, sandbox.id, phone, 'Query token hello');

    const created = await stream.next<MessageView>('message.created', (message) => message.address === phone);
    expect(created.content).toEqual({ kind: 'text', text: 'Query token hello' });
    await stream.next<ConversationView>(
      'conversation.updated',
      (conversation) => conversation.id === created.conversationId,
    );
  });

  it('only sends events that happen after connecting', async () => {
    const phone = randomPhone();
    await simulateInbound(sut, admin, sandbox.id, phone, 'Before connecting');
    const early = await openWithHeader(agent);
    await early.next<MessageView>('message.created', (message) => message.address === phone);

    const late = await openWithHeader(admin);
    await simulateInbound(sut, admin, sandbox.id, phone, 'After connecting');
    await late.next<MessageView>(
      'message.created',
      (message) => message.address === phone && message.content.text === 'After connecting',
    );

    expect(
      late.matching<MessageView>(
        'message.created',
        (message) => message.content.text === 'Before connecting',
      ),
    ).toEqual([]);
  });

  it('closing the client ends the server side cleanly; the server keeps serving, other streams keep receiving', async () => {
    const leaving = await openWithHeader(agent);
    const staying = await openWithHeader(agent);
    await waitFor(
      () => leaving.events.length,
      (count) => count > 0,
      { description: 'the leaving stream to start' },
    );
    const port = leaving.localPort;
    const serverSide = serverSockets.find((socket) => socket.remotePort === port);
    expect(serverSide).toBeDefined();

    leaving.close();

    await waitFor(
      () => serverSide!.destroyed,
      (destroyed) => destroyed,
      { description: 'the server to close its end', timeoutMs: 5_000 },
    );
    const seenBefore = leaving.events.length;
    await sut.http.get('/health/live').expect(200);
    await sut.http.get('/api/v1/conversations?limit=1').set(bearer(agent)).expect(200);
    const phone = randomPhone();
    await simulateInbound(sut, admin, sandbox.id, phone, 'After a client left');
    await staying.next<MessageView>('message.created', (message) => message.address === phone);
    const fresh = await openWithHeader(agent);
    await simulateInbound(sut, admin, sandbox.id, phone, 'And a new client');
    // The same event reached every stream still open: one the closed client was not given.
    for (const open of [fresh, staying]) {
      await open.next<MessageView>(
        'message.created',
        (message) => message.content.text === 'And a new client',
      );
    }
    expect(leaving.events.length).toBe(seenBefore);
  });

  it('closing the app with a stream open ends the stream and does not hang', async () => {
    const other = await startMessagingApp();
    const user = await createUserAndLogin(other, 'agent');
    const stream = await SseClient.open(`${other.url}${STREAM}`, bearer(user));
    await waitFor(
      () => stream.events.length,
      (count) => count > 0,
      { description: 'the stream to start' },
    );
    const started = Date.now();

    const closed = await within(
      other.close().then(() => 'closed' as const),
      10_000,
      'hung' as const,
    );

    expect(closed).toBe('closed');
    expect(Date.now() - started).toBeLessThan(10_000);
    await stream.waitForEnd(5_000);
    expect(stream.ended).toBe(true);
  });
});
