import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { fieldsOf } from './support/bodies.js';
import {
  type ConversationView,
  getConversation,
  listConversations,
  simulateInbound,
  threadPage,
  waitForConversation,
  waitForInboundProcessed,
  wholeThread,
} from './support/inbox.js';
import {
  type ChannelView,
  CONVERSATION_WEBHOOK_SECRET,
  createChannel,
  type MessageView,
  randomPhone,
  sandboxChannel,
  sendMessage,
  sinchConversationChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { conversationInboundMessage, pathOf, signedSinchJson } from './support/webhooks.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('The two-way inbox', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let sandbox: ChannelView;

  beforeAll(async () => {
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 150 }));
  });
  afterAll(async () => {
    await sut.close();
  });

  const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

  /** The customer writes in; resolves when the server has processed the message. */
  const customerWrites = async (channel: ChannelView, from: string, text: string) => {
    const providerMessageId = await simulateInbound(sut, admin, channel.id, from, text);
    await waitForInboundProcessed(sut, channel.id, providerMessageId);
  };

  describe('an agent works a conversation through the API', () => {
    it('from the first inbound message to a delivered reply, read, closed, and reopened by the customer', async () => {
      const phone = randomPhone();
      const question = `Hi, is order ${randomUUID().slice(0, 6)} on its way?`;

      await customerWrites(sandbox, phone, question);

      // The inbox shows it.
      const inbox = await listConversations(sut, agent, { channelId: sandbox.id });
      const listed = inbox.items.find((item) => item.contact.phone === phone);
      expect(listed).toMatchObject({
        id: expect.any(String),
        channelId: sandbox.id,
        status: 'open',
        unreadCount: 1,
        lastMessagePreview: question,
        lastMessageAt: expect.any(String),
        contact: { id: expect.any(String), phone, optedOut: false },
      });
      const conversation = listed!;
      expect(await getConversation(sut, agent, conversation.id)).toMatchObject({
        id: conversation.id,
        unreadCount: 1,
        contact: { phone },
      });

      // The thread holds the customer's message.
      const thread = await threadPage(sut, agent, conversation.id);
      expect(thread.nextCursor).toBeNull();
      expect(thread.items).toHaveLength(1);
      expect(thread.items[0]).toMatchObject({
        direction: 'inbound',
        status: 'received',
        conversationId: conversation.id,
        channelId: sandbox.id,
        content: { kind: 'text', text: question },
      });

      // The agent replies.
      const replyText = 'Yes, it ships today.';
      const reply = await sut.http
        .post(`/api/v1/conversations/${conversation.id}/messages`)
        .set(bearer(agent))
        .send({ text: replyText })
        .expect(202);
      expect(reply.body).toMatchObject({
        id: expect.any(String),
        status: expect.stringMatching(/^(queued|sent)$/),
        conversationId: conversation.id,
      });
      const replyId = (reply.body as { id: string }).id;

      const delivered = await waitFor(
        () => threadPage(sut, agent, conversation.id),
        (page) => page.items.some((message) => message.id === replyId && message.status === 'delivered'),
        { description: 'the reply to be delivered' },
      );
      expect(delivered.items.map((message) => [message.direction, message.content.text])).toEqual([
        ['inbound', question],
        ['outbound', replyText],
      ]);
      const afterReply = await getConversation(sut, agent, conversation.id);
      expect(afterReply).toMatchObject({ lastMessagePreview: replyText, unreadCount: 1 });
      expect(Date.parse(afterReply.lastMessageAt)).toBeGreaterThanOrEqual(
        Date.parse(conversation.lastMessageAt),
      );

      // Read.
      await sut.http.post(`/api/v1/conversations/${conversation.id}/read`).set(bearer(agent)).expect(204);
      expect(await getConversation(sut, agent, conversation.id)).toMatchObject({ unreadCount: 0 });
      expect(
        (await listConversations(sut, agent, { channelId: sandbox.id })).items.find(
          (item) => item.id === conversation.id,
        ),
      ).toMatchObject({
        unreadCount: 0,
      });

      // Closed.
      const closed = await sut.http
        .patch(`/api/v1/conversations/${conversation.id}`)
        .set(bearer(agent))
        .send({ status: 'closed' })
        .expect(200);
      expect(closed.body).toMatchObject({ id: conversation.id, status: 'closed' });
      expect(
        ids(
          (await listConversations(sut, agent, { channelId: sandbox.id, status: 'closed', limit: 200 }))
            .items,
        ),
      ).toContain(conversation.id);
      expect(
        ids(
          (await listConversations(sut, agent, { channelId: sandbox.id, status: 'open', limit: 200 })).items,
        ),
      ).not.toContain(conversation.id);

      // The customer writes again: the conversation reopens, unread again.
      await customerWrites(sandbox, phone, 'One more thing...');

      expect(await getConversation(sut, agent, conversation.id)).toMatchObject({
        status: 'open',
        unreadCount: 1,
        lastMessagePreview: 'One more thing...',
      });
      expect(
        ids(
          (await listConversations(sut, agent, { channelId: sandbox.id, status: 'open', limit: 200 })).items,
        ),
      ).toContain(conversation.id);
      expect(
        ids(
          (await listConversations(sut, agent, { channelId: sandbox.id, status: 'closed', limit: 200 }))
            .items,
        ),
      ).not.toContain(conversation.id);
      expect((await wholeThread(sut, agent, conversation.id)).map((message) => message.direction)).toEqual([
        'inbound',
        'outbound',
        'inbound',
      ]);
    });

    it('archives a conversation and finds it with ?status=archived', async () => {
      const phone = randomPhone();
      await customerWrites(sandbox, phone, 'archive me');
      const conversation = await waitForConversation(sut, agent, sandbox.id, phone);

      await sut.http
        .patch(`/api/v1/conversations/${conversation.id}`)
        .set(bearer(agent))
        .send({ status: 'archived' })
        .expect(200);

      expect(
        ids(
          (await listConversations(sut, agent, { channelId: sandbox.id, status: 'archived', limit: 200 }))
            .items,
        ),
      ).toContain(conversation.id);
      expect(
        ids(
          (await listConversations(sut, agent, { channelId: sandbox.id, status: 'open', limit: 200 })).items,
        ),
      ).not.toContain(conversation.id);
    });

    it('lists newest activity first', async () => {
      const older = randomPhone();
      const newer = randomPhone();
      await customerWrites(sandbox, older, 'first');
      await customerWrites(sandbox, newer, 'second');

      const listed = (await listConversations(sut, agent, { channelId: sandbox.id, limit: 200 })).items.map(
        (item) => item.contact.phone,
      );
      expect(listed.indexOf(newer)).toBeGreaterThanOrEqual(0);
      expect(listed.indexOf(newer)).toBeLessThan(listed.indexOf(older));

      await customerWrites(sandbox, older, 'bump');
      const again = (await listConversations(sut, agent, { channelId: sandbox.id, limit: 200 })).items.map(
        (item) => item.contact.phone,
      );
      expect(again.indexOf(older)).toBeLessThan(again.indexOf(newer));
    });

    it('searches by contact name and by number digits', async () => {
      const phone = randomPhone();
      await customerWrites(sandbox, phone, 'find me');
      const conversation = await waitForConversation(sut, agent, sandbox.id, phone);
      const surname = `Quux${randomUUID().replaceAll('-', '').slice(0, 8)}`;
      await sut.http
        .patch(`/api/v1/contacts/${conversation.contact.id}`)
        .set(bearer(agent))
        .send({ name: `Zelda ${surname}` })
        .expect(200);
      const search = async (term: string) =>
        ids((await listConversations(sut, agent, { channelId: sandbox.id, search: term, limit: 200 })).items);

      expect(await search(surname.toLowerCase())).toEqual([conversation.id]);
      expect(await search(`zelda ${surname.toUpperCase()}`)).toEqual([conversation.id]);
      expect(await search(phone.slice(-7))).toContain(conversation.id);
      expect(await search(phone)).toContain(conversation.id);
      expect(await search(`(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`)).toContain(
        conversation.id,
      );
      expect(await search(`Nobody${randomUUID().slice(0, 8)}`)).toEqual([]);
      const named = (await listConversations(sut, agent, { channelId: sandbox.id, search: surname }))
        .items[0];
      expect(named.contact).toMatchObject({ name: `Zelda ${surname}`, phone });
    });
  });

  describe('errors', () => {
    it('answers 404 for unknown conversation ids on every route', async () => {
      await sut.http.get(`/api/v1/conversations/${UNKNOWN_ID}`).set(bearer(agent)).expect(404);
      await sut.http.get(`/api/v1/conversations/${UNKNOWN_ID}/messages`).set(bearer(agent)).expect(404);
      await sut.http
        .post(`/api/v1/conversations/${UNKNOWN_ID}/messages`)
        .set(bearer(agent))
        .send({ text: 'hello?' })
        .expect(404);
      await sut.http.post(`/api/v1/conversations/${UNKNOWN_ID}/read`).set(bearer(agent)).expect(404);
      const patched = await sut.http
        .patch(`/api/v1/conversations/${UNKNOWN_ID}`)
        .set(bearer(agent))
        .send({ status: 'closed' })
        .expect(404);
      expect(patched.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      await sut.http.get('/api/v1/conversations/not-a-uuid').set(bearer(agent)).expect(400);
    });

    it('answers 400 for a bad status, filter, limit or reply body', async () => {
      const phone = randomPhone();
      await customerWrites(sandbox, phone, 'validation');
      const conversation = await waitForConversation(sut, agent, sandbox.id, phone);

      const badStatus = await sut.http
        .patch(`/api/v1/conversations/${conversation.id}`)
        .set(bearer(agent))
        .send({ status: 'deleted' })
        .expect(400);
      expect(fieldsOf(badStatus)).toEqual(['status']);
      const noStatus = await sut.http
        .patch(`/api/v1/conversations/${conversation.id}`)
        .set(bearer(agent))
        .send({})
        .expect(400);
      expect(fieldsOf(noStatus)).toEqual(['status']);
      const badFilter = await sut.http
        .get('/api/v1/conversations?status=bogus')
        .set(bearer(agent))
        .expect(400);
      expect(fieldsOf(badFilter)).toEqual(['status']);
      const badChannel = await sut.http
        .get('/api/v1/conversations?channelId=nope')
        .set(bearer(agent))
        .expect(400);
      expect(fieldsOf(badChannel)).toEqual(['channelId']);
      await sut.http.get('/api/v1/conversations?limit=201').set(bearer(agent)).expect(400);
      await sut.http
        .get(`/api/v1/conversations/${conversation.id}/messages?limit=0`)
        .set(bearer(agent))
        .expect(400);
      await sut.http
        .get(`/api/v1/conversations/${conversation.id}/messages?cursor=garbage`)
        .set(bearer(agent))
        .expect(400);
      await sut.http
        .post(`/api/v1/conversations/${conversation.id}/messages`)
        .set(bearer(agent))
        .send({})
        .expect(400);
      expect(await getConversation(sut, agent, conversation.id)).toMatchObject({ status: 'open' });
    });

    it('answers 401 without a token', async () => {
      await sut.http.get('/api/v1/conversations').expect(401);
      await sut.http.get(`/api/v1/conversations/${UNKNOWN_ID}/messages`).expect(401);
    });
  });

  describe('pagination', () => {
    it('walks the inbox page by page while new conversations arrive: every earlier conversation exactly once', async () => {
      const channel = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 60_000 }));
      const before: string[] = [];
      for (let i = 0; i < 25; i++)
        before.push(
          (await sendMessage(sut, admin, { channelId: channel.id, to: randomPhone(), text: `hello ${i}` }))
            .conversationId,
        );
      expect(new Set(before).size).toBe(25);

      let creating = true;
      const createdDuringWalk: string[] = [];
      const background = (async () => {
        while (creating) {
          createdDuringWalk.push(
            (await sendMessage(sut, admin, { channelId: channel.id, to: randomPhone(), text: 'new' }))
              .conversationId,
          );
        }
      })();

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      try {
        do {
          const page = await listConversations(sut, agent, { channelId: channel.id, limit: 4, cursor });
          expect(page.items.length).toBeLessThanOrEqual(4);
          for (let i = 1; i < page.items.length; i++) {
            expect(Date.parse(page.items[i - 1].lastMessageAt)).toBeGreaterThanOrEqual(
              Date.parse(page.items[i].lastMessageAt),
            );
          }
          seen.push(...ids(page.items));
          cursor = page.nextCursor ?? undefined;
          pages++;
          // And one more, for certain, between every two pages.
          createdDuringWalk.push(
            (
              await sendMessage(sut, admin, {
                channelId: channel.id,
                to: randomPhone(),
                text: 'between pages',
              })
            ).conversationId,
          );
        } while (cursor && pages < 100);
      } finally {
        creating = false;
        await background;
      }

      expect(createdDuringWalk.length).toBeGreaterThan(5);
      expect(seen.length).toBe(new Set(seen).size);
      for (const id of before) expect(seen.filter((s) => s === id)).toHaveLength(1);
      expect(pages).toBeGreaterThanOrEqual(7);
    });

    it('walks a thread back in time page by page while new messages arrive: every earlier message exactly once', async () => {
      const channel = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 60_000 }));
      const phone = randomPhone();
      const before: string[] = [];
      let conversationId = '';
      for (let i = 0; i < 30; i++) {
        const sent = await sendMessage(sut, admin, {
          channelId: channel.id,
          to: phone,
          text: `message ${i}`,
        });
        before.push(sent.id);
        conversationId = sent.conversationId;
      }

      const pages: MessageView[][] = [];
      let cursor: string | undefined;
      let arrived = 0;
      do {
        const page = await threadPage(sut, agent, conversationId, { limit: 7, cursor });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
        // A new message arrives between pages (inbound and agent replies alternate).
        if (arrived % 2 === 0) await customerWrites(channel, phone, `new inbound ${arrived}`);
        else
          await sut.http
            .post(`/api/v1/conversations/${conversationId}/messages`)
            .set(bearer(agent))
            .send({ text: `new reply ${arrived}` })
            .expect(202);
        arrived++;
      } while (cursor && pages.length < 100);

      const seen = pages.flat().map((message) => message.id);
      expect(seen.length).toBe(new Set(seen).size);
      for (const id of before) expect(seen.filter((s) => s === id)).toHaveLength(1);
      expect(pages.length).toBe(5);
      for (const page of pages) {
        expect(page.length).toBeLessThanOrEqual(7);
        for (let i = 1; i < page.length; i++)
          expect(Date.parse(page[i - 1].createdAt)).toBeLessThanOrEqual(Date.parse(page[i].createdAt));
      }
      for (let p = 1; p < pages.length; p++) {
        expect(Date.parse(pages[p].at(-1)!.createdAt)).toBeLessThanOrEqual(
          Date.parse(pages[p - 1][0].createdAt),
        );
      }
      // Walking back from the newest page, the earlier messages come out oldest first, all of them.
      const earlier = pages
        .slice()
        .reverse()
        .flat()
        .filter((message) => before.includes(message.id));
      expect(earlier).toHaveLength(before.length);
      for (let i = 1; i < earlier.length; i++)
        expect(Date.parse(earlier[i - 1].createdAt)).toBeLessThanOrEqual(Date.parse(earlier[i].createdAt));
    });
  });

  describe('the WhatsApp 24-hour window', () => {
    const conversationApi = new FakeSinchConversationServer();
    let whatsapp: ChannelView;

    beforeAll(async () => {
      await conversationApi.start();
      whatsapp = await createChannel(
        sut,
        admin,
        sinchConversationChannel(conversationApi, { channel: 'WHATSAPP' }, '+12025550146'),
      );
    });
    afterAll(async () => {
      await conversationApi.stop();
    });

    it('refuses a free-form reply (422) until the contact writes, then accepts it (202)', async () => {
      const phone = randomPhone();
      const template = await sendMessage(sut, admin, {
        channelId: whatsapp.id,
        to: phone,
        template: { id: 'order_update', version: '1', languageCode: 'en_US', parameters: { name: 'Ada' } },
      });
      const conversationId = template.conversationId;
      const conversation = await getConversation(sut, agent, conversationId);
      expect(conversation.contact.whatsappWindowExpiresAt).toBeNull();

      const refused = await sut.http
        .post(`/api/v1/conversations/${conversationId}/messages`)
        .set(bearer(agent))
        .send({ text: 'Free text' });
      expect(refused.status).toBe(422);
      await sut.http
        .post('/api/v1/messages')
        .set(bearer(agent))
        .send({ channelId: whatsapp.id, to: phone, text: 'Free text' })
        .expect(422);
      const sendsBefore = conversationApi.accepted.length;

      const inbound = conversationInboundMessage({
        appId: conversationApi.appId,
        projectId: conversationApi.projectId,
        channel: 'WHATSAPP',
        identity: phone.slice(1),
        text: 'Where is my parcel?',
      });
      const signed = signedSinchJson(CONVERSATION_WEBHOOK_SECRET, inbound);
      await sut.http
        .post(pathOf(whatsapp.webhookUrls.callback!))
        .set(signed.headers)
        .send(signed.body)
        .expect(200);
      await waitForInboundProcessed(sut, whatsapp.id, inbound.message.id);

      const opened = await getConversation(sut, agent, conversationId);
      expect(opened).toMatchObject({ unreadCount: 1, lastMessagePreview: 'Where is my parcel?' });
      expect(Date.parse(opened.contact.whatsappWindowExpiresAt!)).toBeGreaterThan(
        Date.now() + 23 * 3600 * 1000,
      );

      const accepted = await sut.http
        .post(`/api/v1/conversations/${conversationId}/messages`)
        .set(bearer(agent))
        .send({ text: 'It arrives tomorrow.' });
      expect(accepted.status).toBe(202);
      const texts = conversationApi.accepted
        .slice(sendsBefore)
        .map(({ body }) => (body.message as { text_message?: { text: string } }).text_message?.text);
      expect(texts).toEqual(['It arrives tomorrow.']);
    });
  });

  it('keeps the conversation view consistent with the list', async () => {
    const phone = randomPhone();
    await customerWrites(sandbox, phone, 'consistency');
    const conversation: ConversationView = await waitForConversation(sut, agent, sandbox.id, phone);

    expect(await getConversation(sut, agent, conversation.id)).toEqual(conversation);
  });
});
