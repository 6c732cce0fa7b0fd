import { FakePlivoServer } from './fakes/fake-plivo.server.js';
import { basicCredentials, bearerToken } from './fakes/fake-provider.server.js';
import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { SseClient } from './support/inbox.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './support/isolated-database.js';
import {
  type ChannelView,
  CONVERSATION_WEBHOOK_SECRET,
  createChannel,
  getMessage,
  plivoChannel,
  randomPhone,
  sandboxChannel,
  sendMessage,
  sinchConversationChannel,
  sinchSmsChannel,
  startMessagingApp,
  waitForMessageStatus,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import {
  conversationDeliveryReport,
  formBody,
  pathOf,
  plivoV3Headers,
  signedSinchJson,
  sinchRecipientReport,
} from './support/webhooks.js';

const asRecord = (value: unknown) => value as Record<string, unknown>;

describe('Providers end to end', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  describe('Sinch SMS', () => {
    const fake = new FakeSinchSmsServer();
    let channel: ChannelView;

    beforeAll(async () => {
      await fake.start();
      channel = await createChannel(sut, admin, sinchSmsChannel(fake));
    });
    afterAll(() => fake.stop());
    beforeEach(() => fake.reset());

    const postCallback = (payload: unknown) =>
      sut.http
        .post(pathOf(channel.webhookUrls.callback!))
        .set('content-type', 'application/json')
        .send(JSON.stringify(payload));

    it('sends a batch asking for per-recipient reports, then applies the recipient delivery report', async () => {
      const to = randomPhone();

      const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'Your code is 123456' });

      expect(sent.status).toBe('sent');
      expect(fake.requests).toHaveLength(1);
      const request = fake.requests[0];
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/xms/v1/${fake.servicePlanId}/batches`);
      expect(request.headers.authorization).toBe(`Bearer ${fake.apiToken}`);
      expect(request.body).toMatchObject({
        body: 'Your code is 123456',
        delivery_report: 'per_recipient',
        callback_url: channel.webhookUrls.callback,
        client_reference: sent.clientReference,
      });
      expect((asRecord(request.body).to as string[]).map((n) => n.replace(/^\+/, ''))).toContain(to.slice(1));
      const [batch] = fake.batches;
      expect((await getMessage(sut, admin, sent.id)).providerMessageId).toBe(batch.id);

      await postCallback(
        sinchRecipientReport({
          batchId: batch.id,
          recipient: to,
          status: 'Delivered',
          clientReference: sent.clientReference,
        }),
      ).expect(200);

      const delivered = await waitForMessageStatus(sut, admin, sent.id, 'delivered');
      expect(delivered.statusReason).toBeNull();
    });

    it('applies a batch delivery report (delivery_report_sms) naming the recipient', async () => {
      const to = randomPhone();
      const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'Batch report please' });
      const [batch] = fake.batches;

      await postCallback({
        type: 'delivery_report_sms',
        batch_id: batch.id,
        statuses: [{ code: 0, count: 1, recipients: [to.slice(1)], status: 'Delivered' }],
        total_message_count: 1,
        client_reference: sent.clientReference,
      }).expect(200);

      await waitForMessageStatus(sut, admin, sent.id, 'delivered');
    });

    it('records a failed delivery with Sinch’s status and code', async () => {
      const to = randomPhone();
      const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'This one will expire' });

      await postCallback(
        sinchRecipientReport({ batchId: fake.batches[0].id, recipient: to, status: 'Expired', code: 401 }),
      ).expect(200);

      const failed = await waitForMessageStatus(sut, admin, sent.id, 'failed');
      expect(failed.errorCode).toBe('401');
      expect(failed.statusReason).toMatch(/expired/i);
    });

    it('retries a 500 within the call and ends sent, with one client reference for both attempts', async () => {
      fake.failWithStatus(1, 500);

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'Try again',
      });

      expect(sent.status).toBe('sent');
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests.map((r) => asRecord(r.body).client_reference)).toEqual([
        sent.clientReference,
        sent.clientReference,
      ]);
      expect(fake.batches).toHaveLength(1);
      expect(await getMessage(sut, admin, sent.id)).toMatchObject({
        status: 'sent',
        providerMessageId: fake.batches[0].id,
      });
    });

    it('ends rejected with the provider’s error when Sinch answers 400', async () => {
      fake.respondWith(1, {
        status: 400,
        body: { code: 'syntax_invalid_parameter_format', text: 'Invalid parameter format: from' },
      });

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'Rejected',
      });
      const message = await getMessage(sut, admin, sent.id);

      expect(fake.requests).toHaveLength(1);
      expect(message).toMatchObject({
        status: 'rejected',
        statusReason: 'Invalid parameter format: from',
        errorCode: 'syntax_invalid_parameter_format',
      });
    });
  });

  describe('Sinch SMS, when the provider stays down past the in-call retries', () => {
    // Its own database: no other test app's retry job may pick this message up.
    let database: IsolatedDatabase;
    let isolated: TestApp;
    let isolatedAdmin: TestUser;
    const fake = new FakeSinchSmsServer();

    beforeAll(async () => {
      await fake.start();
      database = await createIsolatedDatabase();
      isolated = await startMessagingApp({ DATABASE_URL: database.url });
      isolatedAdmin = await createUserAndLogin(isolated, 'admin');
    });
    afterAll(async () => {
      await isolated.close();
      await database.destroy();
      await fake.stop();
    });

    it('answers 202 queued, then the retry job sends it, it ends sent and the stream says so', async () => {
      const channel = await createChannel(isolated, isolatedAdmin, sinchSmsChannel(fake));
      const stream = await SseClient.open(
        `${isolated.url}/api/v1/conversations/stream`,
        bearer(isolatedAdmin),
      );
      fake.failWithStatus(4, 503);

      const sent = await sendMessage(isolated, isolatedAdmin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'Eventually',
      });

      expect(sent.status).toBe('queued');
      expect((await getMessage(isolated, isolatedAdmin, sent.id)).statusReason).toMatch(/retrying/i);
      await waitForMessageStatus(isolated, isolatedAdmin, sent.id, 'sent', {
        timeoutMs: 20_000,
        intervalMs: 250,
      });
      expect(fake.requests).toHaveLength(5);
      expect(new Set(fake.requests.map((r) => asRecord(r.body).client_reference))).toEqual(
        new Set([sent.clientReference]),
      );
      expect(fake.batches).toHaveLength(1);
      try {
        const announced = await stream.next<{ id: string; status: string }>(
          'message.status',
          (event) => event.id === sent.id && event.status === 'sent',
        );
        expect(announced).toMatchObject({ conversationId: sent.conversationId, statusReason: null });
      } finally {
        stream.close();
      }
    });
  });

  describe('Sinch Conversation', () => {
    const fake = new FakeSinchConversationServer();
    let channel: ChannelView;

    beforeAll(async () => {
      await fake.start();
      channel = await createChannel(sut, admin, sinchConversationChannel(fake));
    });
    afterAll(() => fake.stop());

    const postCallback = (payload: unknown) => {
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, payload);
      return sut.http.post(pathOf(channel.webhookUrls.callback!)).set(signed.headers).send(signed.body);
    };

    it('gets an OAuth token, sends with it, then applies the signed delivery report', async () => {
      const to = randomPhone();

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to,
        text: 'Hello over Conversation',
      });

      expect(sent.status).toBe('sent');
      const [tokenRequest] = fake.tokenRequests;
      const [sendRequest] = fake.sendRequests;
      expect(tokenRequest).toBeDefined();
      expect(basicCredentials(tokenRequest.headers)).toEqual({ user: fake.keyId, password: fake.keySecret });
      expect(tokenRequest.body).toEqual({ grant_type: 'client_credentials' });
      expect(sendRequest.path).toBe(`/v1/projects/${fake.projectId}/messages:send`);
      expect(sendRequest.receivedAt).toBeGreaterThanOrEqual(tokenRequest.receivedAt);
      expect(bearerToken(sendRequest.headers)).toMatch(/^fake\./);
      expect(sendRequest.body).toMatchObject({
        app_id: fake.appId,
        recipient: { identified_by: { channel_identities: [{ channel: 'SMS', identity: to }] } },
        message: { text_message: { text: 'Hello over Conversation' } },
        correlation_id: sent.clientReference,
      });
      // The fake only accepts tokens it issued.
      expect(fake.accepted).toHaveLength(1);
      const { messageId } = fake.accepted[0];
      expect((await getMessage(sut, admin, sent.id)).providerMessageId).toBe(messageId);

      await postCallback(
        conversationDeliveryReport({
          appId: fake.appId,
          projectId: fake.projectId,
          messageId,
          status: 'DELIVERED',
          channel: 'SMS',
          identity: to,
        }),
      ).expect(200);

      await waitForMessageStatus(sut, admin, sent.id, 'delivered');
    });

    it('reuses the token for the next sends', async () => {
      await sendMessage(sut, admin, { channelId: channel.id, to: randomPhone(), text: 'one' });
      const tokensBefore = fake.tokenRequests.length;
      const sendsBefore = fake.sendRequests.length;

      await sendMessage(sut, admin, { channelId: channel.id, to: randomPhone(), text: 'two' });
      await sendMessage(sut, admin, { channelId: channel.id, to: randomPhone(), text: 'three' });

      expect(fake.sendRequests.length - sendsBefore).toBe(2);
      expect(fake.tokenRequests.length).toBe(tokensBefore);
    });

    it('records a FAILED report with its reason', async () => {
      const to = randomPhone();
      const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'Will fail' });
      const { messageId } = fake.accepted.at(-1)!;

      await postCallback(
        conversationDeliveryReport({
          appId: fake.appId,
          projectId: fake.projectId,
          messageId,
          status: 'FAILED',
          channel: 'SMS',
          identity: to,
          reason: { code: 'RECIPIENT_NOT_REACHABLE', description: 'The recipient could not be reached' },
        }),
      ).expect(200);

      const failed = await waitForMessageStatus(sut, admin, sent.id, 'failed');
      expect(failed).toMatchObject({
        errorCode: 'RECIPIENT_NOT_REACHABLE',
        statusReason: 'The recipient could not be reached',
      });
    });

    it('ends rejected with the provider’s error when the API refuses the message (400)', async () => {
      const wrongApp = await createChannel(
        sut,
        admin,
        sinchConversationChannel(fake, { appId: 'NOT-THE-APP' }),
      );

      const sent = await sendMessage(sut, admin, {
        channelId: wrongApp.id,
        to: randomPhone(),
        text: 'Rejected',
      });
      const message = await getMessage(sut, admin, sent.id);

      expect(message).toMatchObject({ status: 'rejected', errorCode: 'INVALID_ARGUMENT' });
      expect(message.statusReason).toContain('Unknown app_id');
    });
  });

  describe('Plivo', () => {
    const fake = new FakePlivoServer();
    let channel: ChannelView;

    beforeAll(async () => {
      await fake.start();
      channel = await createChannel(sut, admin, plivoChannel(fake));
    });
    afterAll(() => fake.stop());
    beforeEach(() => fake.reset());

    const postStatus = (params: Record<string, string>) =>
      sut.http
        .post(pathOf(channel.webhookUrls.status!))
        .set(plivoV3Headers(fake.authToken, channel.webhookUrls.status!, params))
        .send(formBody(params));

    it('sends with Basic auth and the status URL, then applies the V3-signed status callback', async () => {
      const to = randomPhone();

      const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'Hello over Plivo' });

      expect(sent.status).toBe('sent');
      expect(fake.messageRequests).toHaveLength(1);
      const request = fake.messageRequests[0];
      expect(request.path).toBe(`/v1/Account/${fake.authId}/Message/`);
      expect(basicCredentials(request.headers)).toEqual({ user: fake.authId, password: fake.authToken });
      expect(request.body).toMatchObject({
        src: '12025550144',
        dst: to.slice(1),
        text: 'Hello over Plivo',
        url: channel.webhookUrls.status,
      });
      const messageUuid = (await getMessage(sut, admin, sent.id)).providerMessageId!;
      expect(messageUuid).toMatch(/^[0-9a-f-]{36}$/);

      await postStatus({
        MessageUUID: messageUuid,
        Status: 'sent',
        To: to.slice(1),
        From: '12025550144',
        Type: 'sms',
        Units: '1',
      }).expect(200);
      await postStatus({
        MessageUUID: messageUuid,
        Status: 'delivered',
        To: to.slice(1),
        From: '12025550144',
        Type: 'sms',
        Units: '1',
        TotalRate: '0.0050',
        TotalAmount: '0.0050',
        MCC: '310',
        MNC: '260',
        ErrorCode: '',
      }).expect(200);

      await waitForMessageStatus(sut, admin, sent.id, 'delivered');
    });

    it('records undelivered as failed with Plivo’s error code', async () => {
      const to = randomPhone();
      const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'Will not arrive' });
      const messageUuid = (await getMessage(sut, admin, sent.id)).providerMessageId!;

      await postStatus({
        MessageUUID: messageUuid,
        Status: 'undelivered',
        ErrorCode: '30',
        To: to.slice(1),
      }).expect(200);

      const failed = await waitForMessageStatus(sut, admin, sent.id, 'failed');
      expect(failed.errorCode).toBe('30');
    });

    it('retries a 500 and ends sent', async () => {
      fake.failWithStatus(2, 500, { api_id: 'x', error: 'internal error' });

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'Retry me',
      });

      expect(sent.status).toBe('sent');
      expect(fake.messageRequests).toHaveLength(3);
      expect((await getMessage(sut, admin, sent.id)).providerMessageId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('ends rejected with Plivo’s error when it refuses the message (400)', async () => {
      const number = randomPhone();
      const sameSender = await createChannel(sut, admin, plivoChannel(fake, {}, number));

      const sent = await sendMessage(sut, admin, { channelId: sameSender.id, to: number, text: 'To myself' });
      const message = await getMessage(sut, admin, sent.id);

      expect(fake.messageRequests).toHaveLength(1);
      expect(message.status).toBe('rejected');
      expect(message.statusReason).toContain('src and dst cannot be same');
    });
  });

  describe('Sandbox', () => {
    it('delivers on its own', async () => {
      const channel = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 100 }));

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'Simulated',
      });

      expect(sent.status).toBe('sent');
      const delivered = await waitForMessageStatus(sut, admin, sent.id, 'delivered');
      expect(delivered).toMatchObject({ statusReason: null, errorCode: null });
    });

    it('fails a recipient matching a failure prefix, with a reason and an error code', async () => {
      const channel = await createChannel(
        sut,
        admin,
        sandboxChannel({ deliveryDelayMs: 100, failurePrefixes: ['+1202555'] }),
      );

      const failing = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: `+1202555${randomPhone().slice(-4)}`,
        text: 'Doomed',
      });
      const passing = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'Fine',
      });

      const failed = await waitForMessageStatus(sut, admin, failing.id, 'failed');
      expect(failed.statusReason).toEqual(expect.any(String));
      expect(failed.errorCode).toEqual(expect.any(String));
      await waitForMessageStatus(sut, admin, passing.id, 'delivered');
    });
  });
});
