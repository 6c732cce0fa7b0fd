import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { FakePlivoServer } from './fakes/fake-plivo.server.js';
import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import {
  builtinReplies,
  type ConversationView,
  getContact,
  listConversations,
  originalBuiltinText,
  plivoXmlMessages,
  sandboxReplies,
  waitForConversation,
  waitForInboundProcessed,
  wholeThread,
} from './support/inbox.js';
import {
  type ChannelView,
  CONVERSATION_WEBHOOK_SECRET,
  createChannel,
  plivoChannel,
  randomPhone,
  sandboxChannel,
  sinchConversationChannel,
  sinchSmsChannel,
  startMessagingApp,
  waitForWebhooksProcessed,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import {
  conversationInboundMessage,
  formBody,
  pathOf,
  plivoV3Headers,
  signedSinchJson,
  sinchId,
  sinchMoText,
} from './support/webhooks.js';

const digits = (phone: string) => phone.replace(/\D/g, '');

/** What one inbound provider does with a customer's text, as the customer would experience it. */
interface InboundDriver {
  name: string;
  channel(): ChannelView;
  /** Delivers `text` from `from` and waits until it has been processed; returns the reply texts sent back to `from`. */
  receive(from: string, text: string): Promise<string[]>;
}

describe('Consent keywords on inbound messages', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  const sinchSms = new FakeSinchSmsServer();
  const conversationApi = new FakeSinchConversationServer();
  const plivo = new FakePlivoServer();
  let sms: ChannelView;
  let conv: ChannelView;
  let plivoCh: ChannelView;
  let sandbox: ChannelView;
  const createdRules: string[] = [];
  let OPT_OUT_TEXT: string;
  let OPT_IN_TEXT: string;
  let HELP_TEXT: string;
  /** The last Plivo inbound answer, for the Plivo-specific assertions. */
  let lastPlivoAnswer: { status: number; contentType: string; text: string } | undefined;

  beforeAll(async () => {
    await Promise.all([sinchSms.start(), conversationApi.start(), plivo.start()]);
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
    sms = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
    conv = await createChannel(sut, admin, sinchConversationChannel(conversationApi));
    plivoCh = await createChannel(sut, admin, plivoChannel(plivo));
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 50 }));
    const builtins = await builtinReplies(sut, admin);
    OPT_OUT_TEXT = originalBuiltinText(builtins.opt_out.reply);
    OPT_IN_TEXT = originalBuiltinText(builtins.opt_in.reply);
    HELP_TEXT = originalBuiltinText(builtins.help.reply);
  });
  afterAll(async () => {
    for (const id of createdRules) await sut.http.delete(`/api/v1/auto-replies/${id}`).set(bearer(admin));
    await sut.close();
    await Promise.all([sinchSms.stop(), conversationApi.stop(), plivo.stop()]);
  });

  const sinchSmsDriver: InboundDriver = {
    name: 'Sinch SMS mo_text',
    channel: () => sms,
    async receive(from, text) {
      const before = sinchSms.batches.length;
      const payload = sinchMoText({ from, to: sms.sender, body: text });
      await sut.http
        .post(pathOf(sms.webhookUrls.callback!))
        .set('content-type', 'application/json')
        .send(JSON.stringify(payload))
        .expect(200);
      await waitForInboundProcessed(sut, sms.id, payload.id);
      return sinchSms.batches
        .slice(before)
        .filter((batch) => batch.to.includes(digits(from)) && batch.from === digits(sms.sender))
        .map((batch) => batch.body);
    },
  };

  const conversationDriver: InboundDriver = {
    name: 'Sinch Conversation message',
    channel: () => conv,
    async receive(from, text) {
      const before = conversationApi.accepted.length;
      const payload = conversationInboundMessage({
        appId: conversationApi.appId,
        projectId: conversationApi.projectId,
        channel: 'SMS',
        identity: digits(from),
        text,
      });
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, payload);
      await sut.http
        .post(pathOf(conv.webhookUrls.callback!))
        .set(signed.headers)
        .send(signed.body)
        .expect(200);
      await waitForInboundProcessed(sut, conv.id, payload.message.id);
      return conversationApi.accepted.slice(before).flatMap(({ body }) => {
        const identities = (
          body.recipient as { identified_by: { channel_identities: Array<{ identity: string }> } }
        ).identified_by.channel_identities;
        const message = body.message as { text_message?: { text: string } };
        return identities.some((identity) => digits(identity.identity) === digits(from))
          ? [message.text_message?.text ?? '(not a text)']
          : [];
      });
    },
  };

  const plivoInbound = async (from: string, fields: Record<string, string>) => {
    const params = {
      From: digits(from),
      To: digits(plivoCh.sender),
      Type: 'sms',
      MessageUUID: randomUUID(),
      Units: '1',
      TotalRate: '0',
      TotalAmount: '0',
      MessageIntent: '',
      PowerpackUUID: '',
      ...fields,
    };
    const url = plivoCh.webhookUrls.inbound!;
    const response = await sut.http
      .post(pathOf(url))
      .set(plivoV3Headers(plivo.authToken, url, params))
      .send(formBody(params));
    lastPlivoAnswer = {
      status: response.status,
      contentType: response.headers['content-type'],
      text: response.text,
    };
    return { params, response };
  };

  const plivoDriver: InboundDriver = {
    name: 'Plivo inbound form',
    channel: () => plivoCh,
    async receive(from, text) {
      const apiSendsBefore = plivo.messageRequests.length;
      const { response } = await plivoInbound(from, { Text: text });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/xml/);
      // The reply rides in the webhook answer, not through Plivo's message API.
      expect(plivo.messageRequests.length).toBe(apiSendsBefore);
      return plivoXmlMessages(response.text)
        .filter((message) => digits(message.dst) === digits(from))
        .map((message) => message.text);
    },
  };

  const sandboxDriver: InboundDriver = {
    name: 'sandbox simulate-inbound',
    channel: () => sandbox,
    receive: (from, text) => sandboxReplies(sut, admin, sandbox.id, from, text),
  };

  const drivers = [sinchSmsDriver, conversationDriver, plivoDriver, sandboxDriver];

  /** The conversation of `phone` on the driver's channel (created by the inbound message). */
  const conversationOf = (driver: InboundDriver, phone: string): Promise<ConversationView> =>
    waitForConversation(sut, admin, driver.channel().id, phone);

  const expectOnly = (replies: string[], expected: string) =>
    expect(replies.map(originalBuiltinText)).toEqual([expected]);

  const consentHistory = async (contactId: string) =>
    (await sut.http.get(`/api/v1/contacts/${contactId}/consent`).set(bearer(agent)).expect(200))
      .body as unknown[];

  const sendStatus = async (channelId: string, to: string) =>
    (
      await sut.http
        .post('/api/v1/messages')
        .set(bearer(agent))
        .send({ channelId, to, text: 'A message after the keyword' })
    ).status;

  describe.each(drivers.map((driver) => [driver.name, driver] as const))('%s', (_name, driver) => {
    it('STOP opts the contact out and confirms on the same channel; sends and agent replies are then refused; START restores', async () => {
      const phone = randomPhone();

      const stopReplies = await driver.receive(phone, 'STOP');

      expectOnly(stopReplies, OPT_OUT_TEXT);
      const conversation = await conversationOf(driver, phone);
      expect(conversation.contact.optedOut).toBe(true);
      expect(await getContact(sut, agent, conversation.contact.id)).toMatchObject({
        phone,
        optedOut: true,
        optedOutAt: expect.any(String),
      });
      expect(await sendStatus(driver.channel().id, phone)).toBe(403);
      const reply = await sut.http
        .post(`/api/v1/conversations/${conversation.id}/messages`)
        .set(bearer(agent))
        .send({ text: 'Agent reply' });
      expect(reply.status).toBe(403);

      const startReplies = await driver.receive(phone, 'START');

      expectOnly(startReplies, OPT_IN_TEXT);
      expect(await getContact(sut, agent, conversation.contact.id)).toMatchObject({
        optedOut: false,
        optedOutAt: null,
      });
      expect(await sendStatus(driver.channel().id, phone)).toBe(202);
      await sut.http
        .post(`/api/v1/conversations/${conversation.id}/messages`)
        .set(bearer(agent))
        .send({ text: 'Welcome back' })
        .expect(202);
    });

    it.each([' stop ', 'Stop\n', 'sToP'])('%j opts out and confirms as well', async (text) => {
      const phone = randomPhone();

      const replies = await driver.receive(phone, text);

      expectOnly(replies, OPT_OUT_TEXT);
      expect((await conversationOf(driver, phone)).contact.optedOut).toBe(true);
      expect(await sendStatus(driver.channel().id, phone)).toBe(403);
    });

    it('a sentence that merely contains "stop" changes nothing', async () => {
      const phone = randomPhone();

      const replies = await driver.receive(phone, 'please do not stop the deliveries');

      expect(replies).toEqual([]);
      expect((await conversationOf(driver, phone)).contact.optedOut).toBe(false);
    });
  });

  describe('Plivo inline XML', () => {
    it('answers the STOP confirmation as <Message src=channel dst=sender> in application/xml, escaped', async () => {
      const phone = randomPhone();

      const replies = await plivoDriver.receive(phone, 'STOP');

      expectOnly(replies, OPT_OUT_TEXT);
      expect(lastPlivoAnswer).toMatchObject({
        status: 200,
        contentType: expect.stringMatching(/^application\/xml/),
      });
      const xml = lastPlivoAnswer!.text;
      expect(xml).toMatch(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Response>\s*<Message\b[^>]*>[^<]*<\/Message>\s*<\/Response>$/,
      );
      expect(xml.match(/<Message\b/g)).toHaveLength(1);
      const [message] = plivoXmlMessages(xml);
      expect(digits(message.src)).toBe(digits(plivoCh.sender));
      expect(digits(message.dst)).toBe(digits(phone));
      expect(message.src).toMatch(/^\+?\d+$/);
      expect(message.dst).toMatch(/^\+?\d+$/);
      // Every & in the raw text starts an entity: the text was escaped, not pasted.
      expect(message.rawText).not.toMatch(/&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/);
    });

    it('MessageIntent=optout opts out a text that is no keyword, and confirms inline', async () => {
      const phone = randomPhone();

      const { response } = await plivoInbound(phone, {
        Text: 'Please take me off your list',
        MessageIntent: 'optout',
      });

      expect(response.status).toBe(200);
      expectOnly(
        plivoXmlMessages(response.text).map((message) => message.text),
        OPT_OUT_TEXT,
      );
      const conversation = await conversationOf(plivoDriver, phone);
      expect(conversation.contact.optedOut).toBe(true);
      expect(await sendStatus(plivoCh.id, phone)).toBe(403);
      expect(await consentHistory(conversation.contact.id)).toEqual([
        expect.objectContaining({
          action: 'opt_out',
          source: 'provider',
          channelId: plivoCh.id,
          messageId: expect.any(String),
        }),
      ]);
    });

    it('an ordinary message gets an empty <Response/>', async () => {
      const { response } = await plivoInbound(randomPhone(), { Text: 'Do you deliver on Sundays?' });

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/xml/);
      expect(response.text).not.toMatch(/<Message/);
    });
  });

  describe('the keyword matrix (sandbox)', () => {
    it.each([
      'STOPALL',
      'UNSUBSCRIBE',
      'CANCEL',
      'END',
      'QUIT',
      'STOP ALL',
      'REVOKE',
      'OPTOUT',
      'OPT OUT',
      'opt-out',
      'Revoke.',
    ])('%s opts out and confirms', async (keyword) => {
      const phone = randomPhone();

      const replies = await sandboxDriver.receive(phone, keyword);

      expectOnly(replies, OPT_OUT_TEXT);
      expect((await conversationOf(sandboxDriver, phone)).contact.optedOut).toBe(true);
      expect(await sendStatus(sandbox.id, phone)).toBe(403);
    });

    it.each(['START', 'UNSTOP', 'YES', 'unstop', ' yes '])(
      '%j opts an opted-out contact back in and confirms',
      async (keyword) => {
        const phone = randomPhone();
        const created = await sut.http
          .post('/api/v1/contacts')
          .set(bearer(agent))
          .send({ phone })
          .expect(201);
        const contactId = (created.body as { id: string }).id;
        await sut.http.post(`/api/v1/contacts/${contactId}/opt-out`).set(bearer(agent)).expect(200);
        expect(await sendStatus(sandbox.id, phone)).toBe(403);

        const replies = await sandboxDriver.receive(phone, keyword);

        expectOnly(replies, OPT_IN_TEXT);
        expect(await getContact(sut, agent, contactId)).toMatchObject({ optedOut: false });
        expect(await sendStatus(sandbox.id, phone)).toBe(202);
      },
    );

    it.each(['HELP', 'INFO', ' help '])('%j gets the help text and changes nothing', async (keyword) => {
      const phone = randomPhone();

      const replies = await sandboxDriver.receive(phone, keyword);

      expectOnly(replies, HELP_TEXT);
      expect((await conversationOf(sandboxDriver, phone)).contact.optedOut).toBe(false);
      expect(await sendStatus(sandbox.id, phone)).toBe(202);
    });

    it('HELP from an opted-out contact leaves them opted out', async () => {
      const phone = randomPhone();
      expectOnly(await sandboxDriver.receive(phone, 'STOP'), OPT_OUT_TEXT);

      await sandboxDriver.receive(phone, 'HELP');

      expect((await conversationOf(sandboxDriver, phone)).contact.optedOut).toBe(true);
      expect(await sendStatus(sandbox.id, phone)).toBe(403);
    });
  });

  describe('an opted-out contact', () => {
    const customRule = async (channel: ChannelView, keyword: string, reply: string) => {
      const response = await sut.http
        .post('/api/v1/auto-replies')
        .set(bearer(admin))
        .send({ keywords: [keyword], match: 'contains', reply, channelId: channel.id });
      expect(response.status).toBe(201);
      createdRules.push((response.body as { id: string }).id);
    };

    it.each([
      ['sandbox', () => sandboxDriver],
      ['Sinch SMS', () => sinchSmsDriver],
      ['Plivo', () => plivoDriver],
    ] as const)(
      'gets no reply to anything else (%s), but the confirmation again for STOP',
      async (_name, pick) => {
        const driver = pick();
        const keyword = `PRICES${randomUUID().slice(0, 6).toUpperCase()}`;
        await customRule(driver.channel(), keyword, 'Our prices are on the website.');
        const phone = randomPhone();
        // Opted in, the rule answers.
        expect(await driver.receive(phone, `what are your ${keyword.toLowerCase()} please`)).toEqual([
          'Our prices are on the website.',
        ]);
        expectOnly(await driver.receive(phone, 'STOP'), OPT_OUT_TEXT);

        expect(await driver.receive(phone, `what are your ${keyword.toLowerCase()} please`)).toEqual([]);
        expect(await driver.receive(phone, 'Hello? Anyone there?')).toEqual([]);
        expectOnly(await driver.receive(phone, 'STOP'), OPT_OUT_TEXT);

        const conversation = await conversationOf(driver, phone);
        expect(conversation.contact.optedOut).toBe(true);
        const thread = await wholeThread(sut, admin, conversation.id);
        expect(thread.filter((message) => message.direction === 'inbound')).toHaveLength(5);
        expect(
          thread
            .filter((message) => message.direction === 'outbound')
            .map((message) => originalBuiltinText(String(message.content.text))),
        ).toEqual(['Our prices are on the website.', OPT_OUT_TEXT, OPT_OUT_TEXT]);
      },
    );
  });

  describe('Sinch Conversation opt_out_notification', () => {
    const notification = (phone: string, status: string) => ({
      app_id: conversationApi.appId,
      project_id: conversationApi.projectId,
      event_time: new Date().toISOString(),
      accepted_time: new Date().toISOString(),
      opt_out_notification: {
        request_id: sinchId(),
        contact_id: sinchId(),
        channel: 'SMS',
        identity: digits(phone),
        status,
        processing_mode: 'CONVERSATION',
      },
    });
    const post = (payload: unknown) => {
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, payload);
      return sut.http.post(pathOf(conv.webhookUrls.callback!)).set(signed.headers).send(signed.body);
    };

    it('OPT_OUT_SUCCEEDED opts the contact out: sends are refused on every channel', async () => {
      const phone = randomPhone();
      const created = await sut.http.post('/api/v1/contacts').set(bearer(agent)).send({ phone }).expect(201);
      const contactId = (created.body as { id: string }).id;

      await post(notification(phone, 'OPT_OUT_SUCCEEDED')).expect(200);

      await waitFor(
        () => getContact(sut, agent, contactId),
        (contact) => contact.optedOut,
        { description: 'the contact to be opted out' },
      );
      expect(await sendStatus(conv.id, phone)).toBe(403);
      expect(await sendStatus(sandbox.id, phone)).toBe(403);
      expect(await consentHistory(contactId)).toEqual([
        expect.objectContaining({ action: 'opt_out', source: 'provider', channelId: conv.id, keyword: null }),
      ]);
    });

    it('OPT_OUT_SUCCEEDED for a Messenger identity opts out the contact known by that identity', async () => {
      const messenger = await createChannel(
        sut,
        admin,
        sinchConversationChannel(conversationApi, { channel: 'MESSENGER' }, 'Switchboard Page'),
      );
      const identity = `psid-${randomUUID()}`;
      const inbound = conversationInboundMessage({
        appId: conversationApi.appId,
        projectId: conversationApi.projectId,
        channel: 'MESSENGER',
        identity,
        text: 'Hello from Messenger',
      });
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, inbound);
      await sut.http
        .post(pathOf(messenger.webhookUrls.callback!))
        .set(signed.headers)
        .send(signed.body)
        .expect(200);
      await waitForInboundProcessed(sut, messenger.id, inbound.message.id);
      const [conversation] = (await listConversations(sut, admin, { channelId: messenger.id })).items;
      expect(conversation.contact).toMatchObject({ phone: null, optedOut: false });

      const optOut = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, {
        app_id: conversationApi.appId,
        project_id: conversationApi.projectId,
        event_time: new Date().toISOString(),
        opt_out_notification: {
          request_id: sinchId(),
          contact_id: sinchId(),
          channel: 'MESSENGER',
          identity,
          status: 'OPT_OUT_SUCCEEDED',
        },
      });
      await sut.http
        .post(pathOf(messenger.webhookUrls.callback!))
        .set(optOut.headers)
        .send(optOut.body)
        .expect(200);

      await waitFor(
        () => getContact(sut, agent, conversation.contact.id),
        (contact) => contact.optedOut,
        { description: 'the Messenger contact to be opted out', timeoutMs: 5_000 },
      );
    });

    it('OPT_OUT_FAILED changes nothing', async () => {
      const phone = randomPhone();
      const created = await sut.http.post('/api/v1/contacts').set(bearer(agent)).send({ phone }).expect(201);
      const contactId = (created.body as { id: string }).id;

      await post(notification(phone, 'OPT_OUT_FAILED')).expect(200);
      // A later message on the same channel, fully processed, shows the callback had its chance.
      await conversationDriver.receive(randomPhone(), 'just a marker');
      await waitForWebhooksProcessed(sut, conv.id);

      expect(await getContact(sut, agent, contactId)).toMatchObject({ optedOut: false });
      expect(await sendStatus(conv.id, phone)).toBe(202);
    });
  });
});
