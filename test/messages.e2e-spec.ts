import { expect } from '@jest/globals';

import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { errorOf, fieldsOf } from './support/bodies.js';
import {
  type ChannelView,
  CONVERSATION_WEBHOOK_SECRET,
  createChannel,
  getMessage,
  type MessageView,
  randomPhone,
  sandboxChannel,
  sendMessage,
  sinchConversationChannel,
  sinchSmsChannel,
  startMessagingApp,
  waitForContact,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { conversationInboundMessage, pathOf, signedSinchJson } from './support/webhooks.js';

describe('Sending a single message', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let sandbox: ChannelView;
  const sinchSms = new FakeSinchSmsServer();

  beforeAll(async () => {
    await sinchSms.start();
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 60_000 }));
  });
  afterAll(async () => {
    await sut.close();
    await sinchSms.stop();
  });

  const post = (body: Record<string, unknown>, user: TestUser = agent) =>
    sut.http.post('/api/v1/messages').set(bearer(user)).send(body);

  describe('validation', () => {
    it('needs exactly one of text, template and media', async () => {
      const to = randomPhone();

      const none = await post({ channelId: sandbox.id, to }).expect(400);
      const two = await post({
        channelId: sandbox.id,
        to,
        text: 'Hi',
        media: { url: 'https://example.com/a.png' },
      }).expect(400);
      const three = await post({
        channelId: sandbox.id,
        to,
        text: 'Hi',
        template: { id: 'order_update', languageCode: 'en_US' },
        media: { url: 'https://example.com/a.png' },
      }).expect(400);

      for (const response of [none, two, three]) {
        expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect(errorOf(response).message).toMatch(/exactly one/i);
      }
    });

    it('answers 400 naming `to` for a number that cannot be parsed or is not valid', async () => {
      for (const to of ['not a phone', '+1 555', '12345', '+999999999999']) {
        const response = await post({ channelId: sandbox.id, to, text: 'Hi' }).expect(400);
        expect(fieldsOf(response)).toContain('to');
      }
    });

    it('names each bad field: channelId, defaultCountry, an empty text, a media URL, unknown fields', async () => {
      const badChannel = await post({ channelId: 'nope', to: randomPhone(), text: 'Hi' }).expect(400);
      const badCountry = await post({
        channelId: sandbox.id,
        to: '415 555 0100',
        defaultCountry: 'XX',
        text: 'Hi',
      }).expect(400);
      const emptyText = await post({ channelId: sandbox.id, to: randomPhone(), text: '' }).expect(400);
      const badMedia = await post({
        channelId: sandbox.id,
        to: randomPhone(),
        media: { url: 'not a url' },
      }).expect(400);
      const unknown = await post({
        channelId: sandbox.id,
        to: randomPhone(),
        text: 'Hi',
        priority: 'high',
      }).expect(400);

      expect(fieldsOf(badChannel)).toEqual(['channelId']);
      expect(fieldsOf(badCountry)).toEqual(['defaultCountry']);
      expect(fieldsOf(emptyText)).toEqual(['text']);
      expect(fieldsOf(badMedia)).toEqual(['media.url']);
      expect(fieldsOf(unknown)).toEqual(['priority']);
    });

    it('accepts a national number with defaultCountry and stores it in E.164', async () => {
      const e164 = randomPhone();
      const national = `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;

      const response = await post({
        channelId: sandbox.id,
        to: national,
        defaultCountry: 'US',
        text: 'Hi',
      }).expect(202);

      expect((await getMessage(sut, agent, (response.body as MessageView).id)).address).toBe(e164);
    });

    it('answers 400, not 500, for a text holding a NUL character, and stores nothing', async () => {
      const to = randomPhone();

      const response = await post({ channelId: sandbox.id, to, text: 'Meet at\u0000noon' });

      expect(response.status).toBe(400);
      const [row] = await sut.dataSource.query<Array<{ count: string }>>(
        `SELECT count(*) AS count FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.phone = $1`,
        [to],
      );
      expect(Number(row.count)).toBe(0);
    });

    it('answers 404 for an unknown channel', async () => {
      const response = await post({
        channelId: '00000000-0000-4000-8000-000000000000',
        to: randomPhone(),
        text: 'Hi',
      }).expect(404);

      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });

    it('answers 422 for content the channel cannot carry (media over Sinch SMS), without calling the provider', async () => {
      const channel = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
      sinchSms.reset();

      await post({
        channelId: channel.id,
        to: randomPhone(),
        media: { url: 'https://example.com/a.png' },
      }).expect(422);

      expect(sinchSms.requests).toHaveLength(0);
    });

    it('answers 401 without a token', async () => {
      await sut.http
        .post('/api/v1/messages')
        .send({ channelId: sandbox.id, to: randomPhone(), text: 'Hi' })
        .expect(401);
    });
  });

  describe('the 202 and the message', () => {
    it('answers 202 with exactly {id, status, conversationId, clientReference}', async () => {
      const response = await post({ channelId: sandbox.id, to: randomPhone(), text: 'Hello there' }).expect(
        202,
      );

      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: expect.stringMatching(/^(queued|sent)$/),
        conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        clientReference: expect.any(String),
      });
    });

    it('GET /messages/:id shows the message with its status fields', async () => {
      const to = randomPhone();
      const sent = await sendMessage(sut, agent, { channelId: sandbox.id, to, text: 'Your order shipped' });

      const message = await getMessage(sut, agent, sent.id);

      expect(message).toMatchObject({
        id: sent.id,
        direction: 'outbound',
        channelId: sandbox.id,
        conversationId: sent.conversationId,
        clientReference: sent.clientReference,
        address: to,
        content: { kind: 'text', text: 'Your order shipped' },
        status: 'sent',
        statusReason: null,
        errorCode: null,
        providerMessageId: expect.any(String),
      });
      expect(new Date(message.createdAt).toISOString()).toBe(message.createdAt);
      expect(new Date(message.statusUpdatedAt).toISOString()).toBe(message.statusUpdatedAt);
      expect(Date.parse(message.statusUpdatedAt)).toBeGreaterThanOrEqual(Date.parse(message.createdAt));
    });

    it('keeps one conversation per contact and channel, whatever the number format', async () => {
      const to = randomPhone();
      const first = await sendMessage(sut, agent, { channelId: sandbox.id, to, text: 'one' });
      const second = await sendMessage(sut, agent, {
        channelId: sandbox.id,
        to: `${to.slice(2, 5)}.${to.slice(5, 8)}.${to.slice(8)}`,
        defaultCountry: 'us',
        text: 'two',
      });
      const other = await sendMessage(sut, agent, {
        channelId: sandbox.id,
        to: randomPhone(),
        text: 'three',
      });

      expect(second.conversationId).toBe(first.conversationId);
      expect(other.conversationId).not.toBe(first.conversationId);
      expect(second.clientReference).not.toBe(first.clientReference);
    });

    it('answers 404 for an unknown message and 400 for an id that is not a UUID', async () => {
      await sut.http
        .get('/api/v1/messages/00000000-0000-4000-8000-000000000000')
        .set(bearer(agent))
        .expect(404);
      await sut.http.get('/api/v1/messages/123').set(bearer(agent)).expect(400);
    });
  });

  describe('consent', () => {
    it('answers 403 for a contact who opted out, on any channel, and sends nothing', async () => {
      const to = randomPhone();
      const smsChannel = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
      await sendMessage(sut, agent, { channelId: sandbox.id, to, text: 'before opting out' });
      await sut.dataSource.query(`UPDATE contacts SET opted_out_at = now() WHERE phone = $1`, [to]);
      sinchSms.reset();

      const viaSandbox = await post({ channelId: sandbox.id, to, text: 'after opting out' }).expect(403);
      await post({ channelId: smsChannel.id, to, text: 'after opting out' }).expect(403);

      expect(viaSandbox.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect(sinchSms.requests).toHaveLength(0);
      const [row] = await sut.dataSource.query<Array<{ count: string }>>(
        `SELECT count(*) AS count FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE c.phone = $1`,
        [to],
      );
      expect(Number(row.count)).toBe(1);
    });
  });

  describe('the WhatsApp 24-hour window', () => {
    const conversation = new FakeSinchConversationServer();
    let whatsapp: ChannelView;

    beforeAll(async () => {
      await conversation.start();
      whatsapp = await createChannel(
        sut,
        admin,
        sinchConversationChannel(conversation, { channel: 'WHATSAPP' }),
      );
    });
    afterAll(() => conversation.stop());

    it('refuses free-form text to a contact who never wrote (422), accepts a template, then text after an inbound message', async () => {
      const customer = randomPhone();

      const refused = await post({ channelId: whatsapp.id, to: customer, text: 'Hi, any news?' }).expect(422);
      expect(refused.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
      expect(conversation.sendRequests).toHaveLength(0);

      const template = await post({
        channelId: whatsapp.id,
        to: customer,
        template: { id: 'order_update', languageCode: 'en_US', parameters: { name: 'Ada' } },
      }).expect(202);
      expect(template.body).toMatchObject({ status: 'sent' });
      expect(conversation.accepted.at(-1)?.body.message).toEqual({
        template_message: {
          channel_template: {
            WHATSAPP: { template_id: 'order_update', language_code: 'en_US', parameters: { name: 'Ada' } },
          },
        },
      });

      const inbound = signedSinchJson(
        CONVERSATION_WEBHOOK_SECRET,
        conversationInboundMessage({
          appId: conversation.appId,
          projectId: conversation.projectId,
          channel: 'WHATSAPP',
          identity: customer.slice(1),
          text: 'Where is my parcel?',
        }),
      );
      await sut.http
        .post(pathOf(whatsapp.webhookUrls.callback!))
        .set(inbound.headers)
        .send(inbound.body)
        .expect(200);
      await waitForContact(
        sut,
        customer,
        (contact) => contact.waWindowExpiresAt !== null,
        'the inbound message to open the window',
      );

      const reply = await post({ channelId: whatsapp.id, to: customer, text: 'It arrives tomorrow' }).expect(
        202,
      );
      expect(reply.body).toMatchObject({ status: 'sent' });
      expect(conversation.accepted.at(-1)?.body.message).toEqual({
        text_message: { text: 'It arrives tomorrow' },
      });
    });

    it('does not open the window for a different contact', async () => {
      const writer = randomPhone();
      const silent = randomPhone();
      const inbound = signedSinchJson(
        CONVERSATION_WEBHOOK_SECRET,
        conversationInboundMessage({
          appId: conversation.appId,
          projectId: conversation.projectId,
          channel: 'WHATSAPP',
          identity: writer.slice(1),
          text: 'hello',
        }),
      );
      await sut.http
        .post(pathOf(whatsapp.webhookUrls.callback!))
        .set(inbound.headers)
        .send(inbound.body)
        .expect(200);
      await waitForContact(
        sut,
        writer,
        (contact) => contact.waWindowExpiresAt !== null,
        'the inbound message to open the window',
      );

      await post({ channelId: whatsapp.id, to: writer, text: 'thanks for writing' }).expect(202);
      await post({ channelId: whatsapp.id, to: silent, text: 'unsolicited' }).expect(422);
    });
  });
});
