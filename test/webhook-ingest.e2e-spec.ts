import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { FakePlivoServer } from './fakes/fake-plivo.server.js';
import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { SseClient } from './support/inbox.js';
import {
  type ChannelView,
  CONVERSATION_WEBHOOK_SECRET,
  createChannel,
  getMessage,
  plivoChannel,
  randomPhone,
  sendMessage,
  sinchConversationChannel,
  startMessagingApp,
  waitForMessageStatus,
  waitForWebhooksProcessed,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import {
  conversationDeliveryReport,
  formBody,
  pathOf,
  plivoV3Headers,
  signedSinchJson,
} from './support/webhooks.js';

interface StatusEvent {
  id: string;
  status: string;
  errorCode: string | null;
}

/** The forward order of statuses, as the contract describes it (failed and rejected rank alike). */
const RANK: Record<string, number> = { queued: 0, sent: 1, failed: 2, rejected: 2, delivered: 3, read: 4 };

const STATUS_CHANGES_METRIC = /^switchboard_message_status_changes_total\{status="(\w+)"\} (\d+)$/gm;

describe('Delivery report ingest (set-based)', () => {
  let sut: TestApp;
  let admin: TestUser;
  const plivo = new FakePlivoServer();
  const conversation = new FakeSinchConversationServer();
  let plivoCh: ChannelView;
  let conv: ChannelView;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    await Promise.all([plivo.start(), conversation.start()]);
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    plivoCh = await createChannel(sut, admin, plivoChannel(plivo));
    conv = await createChannel(sut, admin, sinchConversationChannel(conversation));
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    await sut.close();
    await Promise.all([plivo.stop(), conversation.stop()]);
  });

  const openStream = async () => {
    const stream = await SseClient.open(`${sut.url}/api/v1/conversations/stream`, bearer(admin));
    streams.push(stream);
    await waitFor(
      () => stream.events.length,
      (count) => count > 0,
      { description: 'the stream to open' },
    );
    return stream;
  };

  /** Sends a message through the channel's fake provider and returns its id and the provider's id for it. */
  const send = async (channel: ChannelView) => {
    const sent = await sendMessage(sut, admin, {
      channelId: channel.id,
      to: randomPhone(),
      text: 'ingest test',
    });
    return { id: sent.id, providerId: (await getMessage(sut, admin, sent.id)).providerMessageId! };
  };

  const postPlivoStatus = (messageUuid: string, status: string, errorCode?: string) => {
    const params: Record<string, string> = {
      MessageUUID: messageUuid,
      Status: status,
      To: '14155550100',
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    };
    return sut.http
      .post(pathOf(plivoCh.webhookUrls.status!))
      .set(plivoV3Headers(plivo.authToken, plivoCh.webhookUrls.status!, params))
      .send(formBody(params));
  };
  const postConversationReport = (
    channel: ChannelView,
    messageId: string,
    status: string,
    secret = CONVERSATION_WEBHOOK_SECRET,
  ) => {
    const report = conversationDeliveryReport({
      appId: conversation.appId,
      projectId: conversation.projectId,
      messageId,
      status,
      channel: 'SMS',
      identity: '14155550100',
    });
    const signed = signedSinchJson(secret, report);
    return sut.http.post(pathOf(channel.webhookUrls.callback!)).set(signed.headers).send(signed.body);
  };

  const statusChangesCounted = async (): Promise<number> => {
    const text = (await sut.http.get('/metrics').expect(200)).text;
    return [...text.matchAll(STATUS_CHANGES_METRIC)].reduce((sum, match) => sum + Number(match[2]), 0);
  };

  it('ends each message at its highest-ranked report, whatever the order and however often reports come, publishing each change once', async () => {
    const [late, failed, inOrder] = await Promise.all([send(plivoCh), send(plivoCh), send(plivoCh)]);
    const [read, lateConv] = await Promise.all([send(conv), send(conv)]);
    const stream = await openStream();
    const countedBefore = await statusChangesCounted();
    const reports = [
      () => postPlivoStatus(late.providerId, 'delivered'),
      () => postPlivoStatus(late.providerId, 'sent'),
      () => postPlivoStatus(failed.providerId, 'sent'),
      () => postPlivoStatus(failed.providerId, 'undelivered', '30'),
      () => postPlivoStatus(inOrder.providerId, 'queued'),
      () => postPlivoStatus(inOrder.providerId, 'sent'),
      () => postPlivoStatus(inOrder.providerId, 'delivered'),
      () => postConversationReport(conv, read.providerId, 'QUEUED_ON_CHANNEL'),
      () => postConversationReport(conv, read.providerId, 'DELIVERED'),
      () => postConversationReport(conv, read.providerId, 'READ'),
      () => postConversationReport(conv, lateConv.providerId, 'DELIVERED'),
      () => postConversationReport(conv, lateConv.providerId, 'QUEUED_ON_CHANNEL'),
    ];

    // Every report twice, all at once: the copies race each other into the inbox and the batches.
    const responses = await Promise.all([...reports, ...reports].map((post) => post()));

    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
    const answers = responses.map((response) => response.body as { stored: number; duplicates: number });
    expect(answers.reduce((sum, answer) => sum + answer.stored, 0)).toBe(reports.length);
    expect(answers.reduce((sum, answer) => sum + answer.duplicates, 0)).toBe(reports.length);
    await Promise.all([waitForWebhooksProcessed(sut, plivoCh.id), waitForWebhooksProcessed(sut, conv.id)]);
    const finals: Array<[{ id: string }, string]> = [
      [late, 'delivered'],
      [failed, 'failed'],
      [inOrder, 'delivered'],
      [read, 'read'],
      [lateConv, 'delivered'],
    ];
    for (const [message, status] of finals)
      expect(await getMessage(sut, admin, message.id)).toMatchObject({ status });
    expect(await getMessage(sut, admin, failed.id)).toMatchObject({ errorCode: '30' });

    for (const [message, status] of finals)
      await stream.next<StatusEvent>(
        'message.status',
        (event) => event.id === message.id && event.status === status,
      );
    const published = finals.map(([message]) =>
      stream
        .matching<StatusEvent>('message.status', (event) => event.id === message.id)
        .map((event) => event.status),
    );
    for (const [index, statuses] of published.entries()) {
      // A batch may fold several reports into one change; a change is never published twice or backwards.
      expect(statuses.at(-1)).toBe(finals[index][1]);
      expect(statuses.map((status) => RANK[status])).toEqual(
        [...new Set(statuses.map((status) => RANK[status]))].sort((a, b) => a - b),
      );
    }
    const publishedCount = published.flat().length;
    expect((await statusChangesCounted()) - countedBefore).toBe(publishedCount);

    // Redelivered once more, later: recognised, and nothing changes or is published again.
    for (const post of reports)
      expect((await post().expect(200)).body).toMatchObject({ stored: 0, duplicates: 1 });
    // Only stored events are applied and published: once none is left to apply, nothing more can come.
    await Promise.all([waitForWebhooksProcessed(sut, plivoCh.id), waitForWebhooksProcessed(sut, conv.id)]);
    expect(
      stream.matching<StatusEvent>('message.status', (event) =>
        finals.some(([message]) => message.id === event.id),
      ),
    ).toHaveLength(publishedCount);
    expect((await statusChangesCounted()) - countedBefore).toBe(publishedCount);
  });

  it('applies a report that arrived before its message was known once a later attempt finds the message', async () => {
    const early = randomUUID();
    await postPlivoStatus(early, 'delivered').expect(200);
    await waitForWebhooksProcessed(sut, plivoCh.id);
    const [tried] = await sut.dataSource.query<
      Array<{ processed_at: Date | null; last_error: string | null }>
    >(`SELECT processed_at, last_error FROM webhook_events WHERE provider = 'plivo' AND dedup_key = $1`, [
      `plivo:status:${early}:delivered`,
    ]);
    expect(tried).toMatchObject({ processed_at: null, last_error: expect.stringContaining('No message') });

    // The send's own result is recorded only now (it raced the report).
    const message = await send(plivoCh);
    await sut.dataSource.query(`UPDATE messages SET provider_message_id = $2 WHERE id = $1`, [
      message.id,
      early,
    ]);

    await waitForMessageStatus(sut, admin, message.id, 'delivered', { timeoutMs: 20_000 });
  });

  it('verifies the next callback with a channel’s new webhook secret at once', async () => {
    const channel = await createChannel(
      sut,
      admin,
      sinchConversationChannel(conversation, {}, '+12025550153'),
    );
    const message = await send(channel);
    await postConversationReport(channel, message.providerId, 'QUEUED_ON_CHANNEL').expect(200);
    const newSecret = 'a-rotated-conversation-webhook-secret';

    await sut.http
      .patch(`/api/v1/channels/${channel.id}`)
      .set(bearer(admin))
      .send({ config: { webhookSecret: newSecret } })
      .expect(200);

    await postConversationReport(channel, message.providerId, 'DELIVERED').expect(401);
    await postConversationReport(channel, message.providerId, 'DELIVERED', newSecret).expect(200);
    await waitForMessageStatus(sut, admin, message.id, 'delivered');
  });
});
