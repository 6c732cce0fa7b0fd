import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { FakePlivoServer } from './fakes/fake-plivo.server.js';
import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import {
  type ChannelView,
  CONVERSATION_WEBHOOK_SECRET,
  createChannel,
  getMessage,
  messagesByProviderId,
  plivoChannel,
  PUBLIC_BASE_URL,
  randomPhone,
  sendMessage,
  sinchConversationChannel,
  sinchSmsChannel,
  startMessagingApp,
  waitForContact,
  waitForMessageStatus,
  waitForWebhooksProcessed,
  webhookEventCount,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import {
  conversationInboundMessage,
  formBody,
  nowUnixSeconds,
  pathOf,
  plivoV2Headers,
  plivoV3Headers,
  plivoV3Signature,
  signedSinchJson,
  sinchId,
  sinchMoText,
  sinchRecipientReport,
  sinchSignature,
} from './support/webhooks.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('Provider webhooks', () => {
  let sut: TestApp;
  let admin: TestUser;
  const sinchSms = new FakeSinchSmsServer();
  const conversation = new FakeSinchConversationServer();
  const plivo = new FakePlivoServer();
  let sms: ChannelView;
  let signedSms: ChannelView;
  let conv: ChannelView;
  let plivoCh: ChannelView;
  const SMS_WEBHOOK_SECRET = 'sinch-sms-callback-hmac-secret';

  beforeAll(async () => {
    await Promise.all([sinchSms.start(), conversation.start(), plivo.start()]);
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    sms = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
    signedSms = await createChannel(
      sut,
      admin,
      sinchSmsChannel(sinchSms, { webhookSecret: SMS_WEBHOOK_SECRET }),
    );
    conv = await createChannel(sut, admin, sinchConversationChannel(conversation));
    plivoCh = await createChannel(sut, admin, plivoChannel(plivo));
  });
  afterAll(async () => {
    await sut.close();
    await Promise.all([sinchSms.stop(), conversation.stop(), plivo.stop()]);
  });

  const postJson = (
    path: string,
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) => sut.http.post(path).set(headers).send(body);
  const postConversation = (payload: unknown, secret = CONVERSATION_WEBHOOK_SECRET, timestamp?: string) => {
    const signed = signedSinchJson(secret, payload, { timestamp });
    return postJson(pathOf(conv.webhookUrls.callback!), signed.body, signed.headers);
  };
  const plivoStatusUrl = () => plivoCh.webhookUrls.status!;
  const plivoInboundUrl = () => plivoCh.webhookUrls.inbound!;

  /** A message sent over Sinch SMS, and the batch id Sinch gave it. */
  const sendOverSinchSms = async (channel = sms) => {
    const to = randomPhone();
    const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'webhook test' });
    const batchId = (await getMessage(sut, admin, sent.id)).providerMessageId!;
    return { ...sent, to, batchId };
  };
  const sendOverPlivo = async () => {
    const to = randomPhone();
    const sent = await sendMessage(sut, admin, { channelId: plivoCh.id, to, text: 'webhook test' });
    const messageUuid = (await getMessage(sut, admin, sent.id)).providerMessageId!;
    return { ...sent, to, messageUuid };
  };

  describe('the test signers', () => {
    it('reproduce the providers’ published signature vectors', () => {
      const smsBody =
        '{"at":"2025-01-13T09:22:40.914Z","batch_id":"01JHFFHQ0P99JPPNQPJDV7JTBP","client_reference":"a client reference","code":0,"operator_status_at":"2025-01-13T09:22:00Z","recipient":"33662162466","status":"Delivered","type":"recipient_delivery_report_sms"}';
      expect(sinchSignature('SMSWebhooksSecret', smsBody, '01JHFFHWYY7HSS4FWTMDTQEK8V', '1736760161')).toBe(
        'ZoHei66PPN/kZjw7hFVfGhJOnml3iGNCMWoyQVcE5o0=',
      );
      const conversationBody =
        '{"app_id":"01EB37HMH1M6SV18BSNS3G135H","accepted_time":"2020-11-17T15:09:11.659Z","project_id":"c36f3d3d-1513-2edd-ae42-11995557ff61","message_delivery_report":{"message_id":"01EQBC1A3BEK731GY4YXEN0C2R","conversation_id":"01EPYATA64TMNZ1FV02JKF12JF","status":"QUEUED_ON_CHANNEL","contact_id":"01EXA07N79THJ20WSN6AS30TMW"}}';
      expect(
        sinchSignature('foo_secret1234', conversationBody, '01FJA8B4A7BM43YGWSG9GBV067', '1634579353'),
      ).toBe('Yc+3R1pIS78xLASybulhs8BsSo9BPB3Pr92QCUoczfk=');
      const plivoParams = {
        From: '14155550100',
        To: '14155550199',
        Text: 'STOP',
        Type: 'sms',
        MessageUUID: '3c6bb3a4-9d3f-11ee-8c90-0242ac120002',
      };
      expect(
        plivoV3Signature(
          'MY_AUTH_TOKEN',
          'https://example.com/webhooks/plivo/inbound',
          plivoParams,
          '12345678901234567890',
        ),
      ).toBe('CWXyty72aTYhT0Tl9khUQQGj+evbFQ5L2u33YggTYY8=');
    });
  });

  describe('Sinch SMS URL token', () => {
    it('answers 401 for a wrong token and stores nothing', async () => {
      const before = await webhookEventCount(sut, sms.id);
      const body = JSON.stringify(sinchMoText({ from: randomPhone(), to: sms.sender, body: 'hello' }));
      const otherChannelsToken = signedSms.webhookUrls.callback!.split('/').pop();

      await postJson(`/api/v1/webhooks/sinch-sms/${sms.id}/not-the-token`, body).expect(401);
      await postJson(`/api/v1/webhooks/sinch-sms/${sms.id}/${otherChannelsToken}`, body).expect(401);

      expect(await webhookEventCount(sut, sms.id)).toBe(before);
    });

    it('with a webhookSecret, needs a valid Sinch signature as well as the token', async () => {
      const path = pathOf(signedSms.webhookUrls.callback!);
      const sent = await sendOverSinchSms(signedSms);
      const payload = sinchRecipientReport({
        batchId: sent.batchId,
        recipient: sent.to,
        status: 'Delivered',
      });
      const before = await webhookEventCount(sut, signedSms.id);

      await postJson(path, JSON.stringify(payload)).expect(401);
      const wrong = signedSinchJson('some-other-secret', payload);
      await postJson(path, wrong.body, wrong.headers).expect(401);
      expect(await webhookEventCount(sut, signedSms.id)).toBe(before);

      const signed = signedSinchJson(SMS_WEBHOOK_SECRET, payload);
      await postJson(path, signed.body, signed.headers).expect(200);
      await waitForMessageStatus(sut, admin, sent.id, 'delivered');
    });
  });

  describe('Sinch signatures (Conversation API)', () => {
    it('answers 401 for a bad signature and stores nothing', async () => {
      const before = await webhookEventCount(sut, conv.id);
      const payload = conversationInboundMessage({
        appId: conversation.appId,
        projectId: conversation.projectId,
        channel: 'SMS',
        identity: randomPhone(),
        text: 'forged',
      });

      await postConversation(payload, 'not-the-webhook-secret').expect(401);
      await postJson(pathOf(conv.webhookUrls.callback!), JSON.stringify(payload)).expect(401);

      expect(await webhookEventCount(sut, conv.id)).toBe(before);
    });

    it('answers 401 when the body was changed after signing', async () => {
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, {
        unsupported_callback: { note: 'original' },
      });

      await postJson(
        pathOf(conv.webhookUrls.callback!),
        signed.body.replace('original', 'tampered'),
        signed.headers,
      ).expect(401);
    });

    it('answers 401 for a timestamp more than 5 minutes away, and accepts one 4 minutes old', async () => {
      const before = await webhookEventCount(sut, conv.id);
      const inbound = () =>
        conversationInboundMessage({
          appId: conversation.appId,
          projectId: conversation.projectId,
          channel: 'SMS',
          identity: randomPhone(),
          text: 'replayed',
        });

      await postConversation(
        inbound(),
        CONVERSATION_WEBHOOK_SECRET,
        String(nowUnixSeconds() - 6 * 60),
      ).expect(401);
      await postConversation(
        inbound(),
        CONVERSATION_WEBHOOK_SECRET,
        String(nowUnixSeconds() + 6 * 60),
      ).expect(401);
      expect(await webhookEventCount(sut, conv.id)).toBe(before);

      await postConversation(
        inbound(),
        CONVERSATION_WEBHOOK_SECRET,
        String(nowUnixSeconds() - 4 * 60),
      ).expect(200);
    });
  });

  describe('Plivo signatures', () => {
    const statusParams = (messageUuid: string, status = 'delivered') => ({
      MessageUUID: messageUuid,
      Status: status,
      To: '14155550100',
    });

    it('answers 401 for a wrong V3 signature even when a valid V2 signature is present', async () => {
      const { messageUuid } = await sendOverPlivo();
      const params = statusParams(messageUuid);
      const before = await webhookEventCount(sut, plivoCh.id);

      await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set({
          ...plivoV3Headers('not-the-auth-token', plivoStatusUrl(), params),
          ...plivoV2Headers(plivo.authToken, plivoStatusUrl()),
        })
        .send(formBody(params))
        .expect(401);

      expect(await webhookEventCount(sut, plivoCh.id)).toBe(before);
    });

    it('answers 401 for a V3 signature over another URL than the public one, or over other params', async () => {
      const { messageUuid } = await sendOverPlivo();
      const params = statusParams(messageUuid);

      await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set(plivoV3Headers(plivo.authToken, `${sut.url}${pathOf(plivoStatusUrl())}`, params))
        .send(formBody(params))
        .expect(401);
      await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set(plivoV3Headers(plivo.authToken, plivoStatusUrl(), statusParams(messageUuid, 'sent')))
        .send(formBody(params))
        .expect(401);
      await sut.http.post(pathOf(plivoStatusUrl())).type('form').send(formBody(params)).expect(401);
    });

    it('accepts a valid V2 signature when no V3 header is present', async () => {
      const sent = await sendOverPlivo();

      await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set(plivoV2Headers(plivo.authToken, plivoStatusUrl()))
        .send(formBody(statusParams(sent.messageUuid)))
        .expect(200);

      await waitForMessageStatus(sut, admin, sent.id, 'delivered');
    });

    it('accepts the -Ma-V3 header and a list of signatures of which one matches', async () => {
      const first = await sendOverPlivo();
      const second = await sendOverPlivo();
      const firstParams = statusParams(first.messageUuid);
      const secondParams = statusParams(second.messageUuid);
      const ma = plivoV3Headers(plivo.authToken, plivoStatusUrl(), firstParams);
      const listed = plivoV3Headers(plivo.authToken, plivoStatusUrl(), secondParams);

      await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set({
          'content-type': ma['content-type'],
          'x-plivo-signature-ma-v3': ma['x-plivo-signature-v3'],
          'x-plivo-signature-v3-nonce': ma['x-plivo-signature-v3-nonce'],
        })
        .send(formBody(firstParams))
        .expect(200);
      await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set({
          ...listed,
          'x-plivo-signature-v3': `bm90IGl0IGF0IGFsbCBub3QgaXQgYXQgYWxsIG5vdCE=,${listed['x-plivo-signature-v3']}`,
        })
        .send(formBody(secondParams))
        .expect(200);

      await waitForMessageStatus(sut, admin, first.id, 'delivered');
      await waitForMessageStatus(sut, admin, second.id, 'delivered');
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown channel id on every route', async () => {
      const body = JSON.stringify(sinchMoText({ from: randomPhone(), to: '12025550142', body: 'x' }));
      const params = { MessageUUID: randomUUID(), Status: 'delivered' };

      await postJson(`/api/v1/webhooks/sinch-sms/${UNKNOWN_ID}/some-token`, body).expect(404);
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, { unsupported_callback: {} });
      await postJson(`/api/v1/webhooks/sinch-conversation/${UNKNOWN_ID}`, signed.body, signed.headers).expect(
        404,
      );
      await postJson(`/api/v1/webhooks/sinch-conversation/not-a-uuid`, signed.body, signed.headers).expect(
        404,
      );
      await sut.http
        .post(`/api/v1/webhooks/plivo/${UNKNOWN_ID}/status`)
        .set(
          plivoV3Headers(
            plivo.authToken,
            `${PUBLIC_BASE_URL}/api/v1/webhooks/plivo/${UNKNOWN_ID}/status`,
            params,
          ),
        )
        .send(formBody(params))
        .expect(404);
      await sut.http
        .post(`/api/v1/webhooks/sandbox/${UNKNOWN_ID}`)
        .set(signed.headers)
        .send(signed.body)
        .expect(404);
    });

    it('answers 404 for a channel of another provider in the path', async () => {
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, { unsupported_callback: {} });
      const smsToken = sms.webhookUrls.callback!.split('/').pop();
      const params = { MessageUUID: randomUUID(), Status: 'delivered' };
      const convAsPlivo = `${PUBLIC_BASE_URL}/api/v1/webhooks/plivo/${conv.id}/status`;

      await postJson(`/api/v1/webhooks/sinch-conversation/${sms.id}`, signed.body, signed.headers).expect(
        404,
      );
      await postJson(`/api/v1/webhooks/sinch-sms/${conv.id}/${smsToken}`, signed.body).expect(404);
      await sut.http
        .post(pathOf(convAsPlivo))
        .set(plivoV3Headers(plivo.authToken, convAsPlivo, params))
        .send(formBody(params))
        .expect(404);
      await postJson(`/api/v1/webhooks/sandbox/${conv.id}`, signed.body, signed.headers).expect(404);
    });
  });

  describe('delivery reports', () => {
    it('stores and applies an event delivered twice only once', async () => {
      const sent = await sendOverPlivo();
      const params = { MessageUUID: sent.messageUuid, Status: 'delivered', To: sent.to.slice(1) };
      const before = await webhookEventCount(sut, plivoCh.id);

      const first = await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set(plivoV3Headers(plivo.authToken, plivoStatusUrl(), params))
        .send(formBody(params))
        .expect(200);
      const delivered = await waitForMessageStatus(sut, admin, sent.id, 'delivered');
      const second = await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set(plivoV3Headers(plivo.authToken, plivoStatusUrl(), params))
        .send(formBody(params))
        .expect(200);

      expect(first.body).toMatchObject({ received: 1, stored: 1, duplicates: 0 });
      expect(second.body).toMatchObject({ received: 1, stored: 0, duplicates: 1 });
      expect(await webhookEventCount(sut, plivoCh.id)).toBe(before + 1);
      await waitForWebhooksProcessed(sut, plivoCh.id);
      expect((await getMessage(sut, admin, sent.id)).statusUpdatedAt).toBe(delivered.statusUpdatedAt);
    });

    it('stores an event delivered several times at once exactly once', async () => {
      const from = randomPhone();
      const payload = JSON.stringify(
        sinchMoText({ from, to: sms.sender, body: 'sent once, delivered five times' }),
      );
      const id = (JSON.parse(payload) as { id: string }).id;
      const before = await webhookEventCount(sut, sms.id);

      const responses = await Promise.all(
        Array.from({ length: 5 }, () => postJson(pathOf(sms.webhookUrls.callback!), payload)),
      );

      expect(responses.map((r) => `${r.status} ${r.text}`)).toEqual(
        Array.from({ length: 5 }, () => expect.stringMatching(/^200 /)),
      );
      expect(responses.map((r) => (r.body as { stored: number }).stored).sort()).toEqual([0, 0, 0, 0, 1]);
      expect(await webhookEventCount(sut, sms.id)).toBe(before + 1);
      await waitFor(
        () => messagesByProviderId(sut, sms.id, id),
        (rows) => rows.length > 0,
        { description: 'the inbound message' },
      );
      await waitForWebhooksProcessed(sut, sms.id);
      expect(await messagesByProviderId(sut, sms.id, id)).toHaveLength(1);
    });

    it('accepts a report about a message it does not know with 2xx and changes no message', async () => {
      const sent = await sendOverSinchSms();
      const path = pathOf(sms.webhookUrls.callback!);

      await postJson(
        path,
        JSON.stringify(sinchRecipientReport({ batchId: sinchId(), recipient: sent.to, status: 'Delivered' })),
      ).expect(200);
      await postJson(
        path,
        JSON.stringify(
          sinchRecipientReport({ batchId: sent.batchId, recipient: randomPhone(), status: 'Delivered' }),
        ),
      ).expect(200);
      await waitForWebhooksProcessed(sut, sms.id);

      expect(await getMessage(sut, admin, sent.id)).toMatchObject({ status: 'sent', statusReason: null });
    });

    it('never moves a status backwards: a late sent or failed leaves delivered', async () => {
      const sent = await sendOverSinchSms();
      const path = pathOf(sms.webhookUrls.callback!);
      const report = (status: string, code = 0) =>
        JSON.stringify(sinchRecipientReport({ batchId: sent.batchId, recipient: sent.to, status, code }));

      await postJson(path, report('Delivered')).expect(200);
      const delivered = await waitForMessageStatus(sut, admin, sent.id, 'delivered');
      await postJson(path, report('Dispatched')).expect(200);
      await postJson(path, report('Failed', 402)).expect(200);
      await waitForWebhooksProcessed(sut, sms.id);

      expect(await getMessage(sut, admin, sent.id)).toMatchObject({
        status: 'delivered',
        errorCode: delivered.errorCode,
        statusUpdatedAt: delivered.statusUpdatedAt,
      });
    });
  });

  describe('bodies', () => {
    const oversized = () =>
      JSON.stringify({ unsupported_callback: { padding: 'x'.repeat(1024 * 1024 + 16) } });

    it('answers 413 for a body over 1 MiB, JSON or form, and stores nothing', async () => {
      const convBefore = await webhookEventCount(sut, conv.id);
      const plivoBefore = await webhookEventCount(sut, plivoCh.id);
      const big = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, oversized());
      const params = {
        MessageUUID: randomUUID(),
        Status: 'delivered',
        Padding: 'y'.repeat(1024 * 1024 + 16),
      };

      await postJson(pathOf(conv.webhookUrls.callback!), big.body, big.headers).expect(413);
      await sut.http
        .post(pathOf(plivoStatusUrl()))
        .set(plivoV3Headers(plivo.authToken, plivoStatusUrl(), params))
        .send(formBody(params))
        .expect(413);

      expect(await webhookEventCount(sut, conv.id)).toBe(convBefore);
      expect(await webhookEventCount(sut, plivoCh.id)).toBe(plivoBefore);
    });

    it('answers 400 for malformed JSON, even correctly signed', async () => {
      const broken = '{"message_delivery_report": {"message_id": "01EQ", ';
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, broken);

      const conversationResponse = await postJson(
        pathOf(conv.webhookUrls.callback!),
        signed.body,
        signed.headers,
      ).expect(400);
      await postJson(pathOf(sms.webhookUrls.callback!), broken).expect(400);

      expect(conversationResponse.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('accepts and ignores a Conversation callback it does not know', async () => {
      const before = await webhookEventCount(sut, conv.id);

      const foo = await postConversation({ foo: 1 }).expect(200);
      await postConversation({
        app_id: conversation.appId,
        smart_conversation_notification: { contact_id: 'x' },
      }).expect(200);

      expect(foo.body).toMatchObject({ received: 1, stored: 0 });
      expect(await webhookEventCount(sut, conv.id)).toBe(before);
    });

    it('answers 400 for a known callback with a malformed payload, and stores nothing', async () => {
      const before = await webhookEventCount(sut, conv.id);
      const smsBefore = await webhookEventCount(sut, sms.id);

      await postConversation({ message_delivery_report: { status: 'DELIVERED' } }).expect(400);
      await postConversation({ message_delivery_report: 'DELIVERED' }).expect(400);
      await postConversation({ message: { id: sinchId(), direction: 'TO_APP' } }).expect(400);
      await postConversation([{ message_delivery_report: {} }]).expect(400);
      await postJson(
        pathOf(sms.webhookUrls.callback!),
        JSON.stringify({ type: 'recipient_delivery_report_sms', status: 'Delivered' }),
      ).expect(400);

      expect(await webhookEventCount(sut, conv.id)).toBe(before);
      expect(await webhookEventCount(sut, sms.id)).toBe(smsBefore);
    });
  });

  describe('inbound messages', () => {
    it('Sinch mo_text creates an inbound message with status received, once even when redelivered', async () => {
      const from = randomPhone();
      const payload = sinchMoText({ from, to: sms.sender, body: 'Is the shop open today?' });
      const path = pathOf(sms.webhookUrls.callback!);

      const first = await postJson(path, JSON.stringify(payload)).expect(200);
      const again = await postJson(path, JSON.stringify(payload)).expect(200);

      expect(first.body).toMatchObject({ stored: 1 });
      expect(again.body).toMatchObject({ stored: 0, duplicates: 1 });
      const [row] = await waitFor(
        () => messagesByProviderId(sut, sms.id, payload.id),
        (rows) => rows.length > 0,
        { description: 'the inbound message' },
      );
      await waitForWebhooksProcessed(sut, sms.id);
      expect(await messagesByProviderId(sut, sms.id, payload.id)).toHaveLength(1);
      expect(row).toMatchObject({
        direction: 'inbound',
        status: 'received',
        recipient: from,
        content: { kind: 'text', text: 'Is the shop open today?' },
      });
      expect(await getMessage(sut, admin, row.id)).toMatchObject({
        direction: 'inbound',
        status: 'received',
        address: from,
      });
    });

    // Some SMSCs hand GSM-7 "@" (0x00) on as U+0000: the customer's message must be kept, not refused or failed.
    it('accepts and stores an inbound text holding a NUL character', async () => {
      const from = randomPhone();
      const payload = sinchMoText({ from, to: sms.sender, body: 'Write to me\u0000example.com' });

      const response = await postJson(pathOf(sms.webhookUrls.callback!), JSON.stringify(payload));

      expect(response.status).toBe(200);
      const [row] = await waitFor(
        () => messagesByProviderId(sut, sms.id, payload.id),
        (rows) => rows.length > 0,
        {
          description: 'the inbound message',
        },
      );
      expect(row).toMatchObject({ direction: 'inbound', status: 'received', recipient: from });
      expect(row.content.text).toMatch(/^Write to me.?example\.com$/);
    });

    it('stores an inbound text exactly, quotes, backslashes, emoji and other scripts included', async () => {
      const from = randomPhone();
      const body = 'Er sagte "ja" \\ C:\\Temp 😀👍🏽 Привет 你好 {"x":[1]}';
      const payload = sinchMoText({ from, to: sms.sender, body });

      expect((await postJson(pathOf(sms.webhookUrls.callback!), JSON.stringify(payload))).status).toBe(200);
      const [row] = await waitFor(
        () => messagesByProviderId(sut, sms.id, payload.id),
        (rows) => rows.length > 0,
        { description: 'the inbound message' },
      );
      expect(row.content.text).toBe(body);
    });

    it('Conversation MESSAGE_INBOUND over SMS creates an inbound message', async () => {
      const from = randomPhone();
      const payload = conversationInboundMessage({
        appId: conversation.appId,
        projectId: conversation.projectId,
        channel: 'SMS',
        identity: from,
        text: 'Hello from Conversation',
      });

      await postConversation(payload).expect(200);

      const [row] = await waitFor(
        () => messagesByProviderId(sut, conv.id, payload.message.id),
        (rows) => rows.length > 0,
        {
          description: 'the inbound message',
        },
      );
      expect(row).toMatchObject({ direction: 'inbound', status: 'received', recipient: from });
    });

    it('Plivo inbound answers application/xml with an empty <Response/> and stores the message', async () => {
      const from = randomPhone();
      const params = {
        From: from.slice(1),
        To: plivoCh.sender.slice(1),
        Text: 'Do you ship to Canada?',
        Type: 'sms',
        MessageUUID: randomUUID(),
        Units: '1',
        TotalRate: '0',
        TotalAmount: '0',
        MessageIntent: '',
        PowerpackUUID: '',
      };

      const response = await sut.http
        .post(pathOf(plivoInboundUrl()))
        .set(plivoV3Headers(plivo.authToken, plivoInboundUrl(), params))
        .send(formBody(params))
        .expect(200);

      expect(response.headers['content-type']).toMatch(/^application\/xml/);
      expect(response.text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Response\s*\/>$/);
      const [row] = await waitFor(
        () => messagesByProviderId(sut, plivoCh.id, params.MessageUUID),
        (rows) => rows.length > 0,
        {
          description: 'the inbound message',
        },
      );
      expect(row).toMatchObject({
        direction: 'inbound',
        status: 'received',
        recipient: from,
        content: { kind: 'text', text: 'Do you ship to Canada?' },
      });
    });

    it('Plivo inbound without a MessageUUID is a 400', async () => {
      const params = {
        From: randomPhone().slice(1),
        To: plivoCh.sender.slice(1),
        Text: 'no id',
        Type: 'sms',
      };

      await sut.http
        .post(pathOf(plivoInboundUrl()))
        .set(plivoV3Headers(plivo.authToken, plivoInboundUrl(), params))
        .send(formBody(params))
        .expect(400);
    });
  });

  describe('consent notifications', () => {
    it('a Conversation opt-out notification that succeeded opts the contact out', async () => {
      const customer = randomPhone();
      await sendMessage(sut, admin, { channelId: conv.id, to: customer, text: 'before opting out' });

      await postConversation({
        app_id: conversation.appId,
        project_id: conversation.projectId,
        event_time: new Date().toISOString(),
        opt_out_notification: {
          request_id: sinchId(),
          contact_id: sinchId(),
          channel: 'SMS',
          identity: customer.slice(1),
          status: 'OPT_OUT_SUCCEEDED',
        },
      }).expect(200);
      await waitForContact(
        sut,
        customer,
        (contact) => contact.optedOutAt !== null,
        'the contact to be opted out',
      );

      await sut.http
        .post('/api/v1/messages')
        .set(bearer(admin))
        .send({ channelId: conv.id, to: customer, text: 'after' })
        .expect(403);
    });
  });
});
