import { expect } from '@jest/globals';

import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { bodyOf, errorOf, fieldsOf } from './support/bodies.js';
import {
  type ConversationView,
  getConversation,
  listConversations,
  type PageView,
  simulateInbound,
  SseClient,
  waitForConversation,
  waitForInboundProcessed,
} from './support/inbox.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './support/isolated-database.js';
import {
  type ChannelView,
  createChannel,
  randomPhone,
  sandboxChannel,
  sendMessage,
  sinchConversationChannel,
  sinchSmsChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

interface NoteView {
  id: string;
  conversationId: string;
  authorId: string;
  text: string;
  createdAt: string;
}

interface CannedResponseView {
  id: string;
  shortcode: string;
  text: string;
  createdAt: string;
  updatedAt: string;
}

const STREAM = '/api/v1/conversations/stream';
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

describe('The team inbox: assignment, status and snooze, notes, canned responses', () => {
  let database: IsolatedDatabase;
  let sut: TestApp;
  let admin: TestUser;
  let ada: TestUser;
  let grace: TestUser;
  let sandbox: ChannelView;
  const sinchSms = new FakeSinchSmsServer();
  let sms: ChannelView;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    await sinchSms.start();
    // A database of its own: "mine" and "unassigned" are then exactly this file's conversations,
    // and no other test app's wake-up job reopens our snoozed ones (their streams are not ours).
    database = await createIsolatedDatabase();
    sut = await startMessagingApp({ DATABASE_URL: database.url, SNOOZE_WAKE_INTERVAL_MS: '200' });
    admin = await createUserAndLogin(sut, 'admin');
    ada = await createUserAndLogin(sut, 'agent');
    grace = await createUserAndLogin(sut, 'agent');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 60_000 }));
    sms = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await sut.close();
    await database.destroy();
    await sinchSms.stop();
  });

  const patch = (user: TestUser, id: string, body: Record<string, unknown>) =>
    sut.http.patch(`/api/v1/conversations/${id}`).set(bearer(user)).send(body);

  const openStream = async (user: TestUser) => {
    const client = await SseClient.open(`${sut.url}${STREAM}`, bearer(user));
    clients.push(client);
    return client;
  };

  /** A conversation started by the contact writing in on the sandbox channel. */
  const inboundConversation = async (text = 'Hello there'): Promise<ConversationView> => {
    const phone = randomPhone();
    const providerMessageId = await simulateInbound(sut, admin, sandbox.id, phone, text);
    await waitForInboundProcessed(sut, sandbox.id, providerMessageId);
    return waitForConversation(sut, admin, sandbox.id, phone);
  };

  const writeIn = async (conversation: ConversationView, text: string) => {
    const providerMessageId = await simulateInbound(
      sut,
      admin,
      sandbox.id,
      conversation.contact.phone!,
      text,
    );
    await waitForInboundProcessed(sut, sandbox.id, providerMessageId);
  };

  const ids = (page: PageView<ConversationView>) => page.items.map((item) => item.id);

  describe('assignment', () => {
    it('lists a new conversation as unassigned, with no snooze', async () => {
      const conversation = await inboundConversation();

      expect(conversation).toMatchObject({ status: 'open', assigneeId: null, snoozedUntil: null });
      expect(ids(await listConversations(sut, ada, { assigneeId: 'none' }))).toContain(conversation.id);
    });

    it('lets an agent take an unassigned conversation: it is in their "mine", not in a colleague’s', async () => {
      const conversation = await inboundConversation();

      const taken = await patch(ada, conversation.id, { assigneeId: ada.id }).expect(200);

      expect(bodyOf<ConversationView>(taken)).toMatchObject({ id: conversation.id, assigneeId: ada.id });
      expect(ids(await listConversations(sut, ada, { assigneeId: 'me' }))).toContain(conversation.id);
      expect(ids(await listConversations(sut, ada, { assigneeId: ada.id }))).toContain(conversation.id);
      expect(await listConversations(sut, grace, { assigneeId: 'me' })).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(ids(await listConversations(sut, grace, { assigneeId: 'none' }))).not.toContain(conversation.id);
      expect(ids(await listConversations(sut, grace, {}))).toContain(conversation.id);
    });

    it("refuses (403) an agent who reassigns or unassigns a colleague's conversation, or assigns a colleague", async () => {
      const conversation = await inboundConversation();
      await patch(ada, conversation.id, { assigneeId: ada.id }).expect(200);

      const takeOver = await patch(grace, conversation.id, { assigneeId: grace.id }).expect(403);
      const unassign = await patch(grace, conversation.id, { assigneeId: null }).expect(403);
      const handOver = await patch(ada, conversation.id, { assigneeId: grace.id }).expect(403);

      for (const response of [takeOver, unassign, handOver])
        expect(errorOf(response)).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect(await getConversation(sut, admin, conversation.id)).toMatchObject({ assigneeId: ada.id });
    });

    it('lets an admin reassign anyone’s conversation, and the new assignee unassign it', async () => {
      const conversation = await inboundConversation();
      await patch(ada, conversation.id, { assigneeId: ada.id }).expect(200);

      await patch(admin, conversation.id, { assigneeId: grace.id }).expect(200);
      expect(ids(await listConversations(sut, grace, { assigneeId: 'me' }))).toContain(conversation.id);
      expect(ids(await listConversations(sut, ada, { assigneeId: 'me' }))).not.toContain(conversation.id);

      const released = await patch(grace, conversation.id, { assigneeId: null }).expect(200);
      expect(bodyOf<ConversationView>(released).assigneeId).toBeNull();
      expect(ids(await listConversations(sut, ada, { assigneeId: 'none' }))).toContain(conversation.id);
    });

    it('answers 400 naming assigneeId for an unknown or a disabled user', async () => {
      const conversation = await inboundConversation();
      const leaver = await createUserAndLogin(sut, 'agent');
      await sut.http
        .patch(`/api/v1/users/${leaver.id}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);

      const unknown = await patch(admin, conversation.id, {
        assigneeId: '7d1b3c52-9a4e-4f0b-8c6d-2e5f7a9b1c3d',
      }).expect(400);
      const disabled = await patch(admin, conversation.id, { assigneeId: leaver.id }).expect(400);
      const malformed = await patch(admin, conversation.id, { assigneeId: 'ada' }).expect(400);

      for (const response of [unknown, disabled, malformed])
        expect(fieldsOf(response)).toEqual(['assigneeId']);
      expect(await getConversation(sut, admin, conversation.id)).toMatchObject({ assigneeId: null });
    });

    it('answers 400 naming assigneeId for a filter that is not a user id, me or none; 404 for an unknown conversation', async () => {
      const response = await sut.http
        .get('/api/v1/conversations?assigneeId=someone')
        .set(bearer(ada))
        .expect(400);
      expect(fieldsOf(response)).toEqual(['assigneeId']);
      await patch(admin, '7d1b3c52-9a4e-4f0b-8c6d-2e5f7a9b1c3d', { status: 'closed' }).expect(404);
      const conversation = await inboundConversation();
      const nothing = await patch(ada, conversation.id, {}).expect(400);
      expect(fieldsOf(nothing)).toEqual(['status']);
    });
  });

  describe('status and snooze', () => {
    it('snoozes with a future snoozedUntil, and clears it when the conversation leaves snoozed', async () => {
      const conversation = await inboundConversation();
      const until = inAnHour();

      const snoozed = await patch(ada, conversation.id, { status: 'snoozed', snoozedUntil: until }).expect(
        200,
      );
      expect(bodyOf<ConversationView>(snoozed)).toMatchObject({ status: 'snoozed', snoozedUntil: until });
      expect(ids(await listConversations(sut, ada, { status: 'snoozed' }))).toContain(conversation.id);
      expect(ids(await listConversations(sut, ada, { status: 'open' }))).not.toContain(conversation.id);
      // Without ?status every status is listed, as before.
      expect(ids(await listConversations(sut, ada, {}))).toContain(conversation.id);

      const closed = await patch(ada, conversation.id, { status: 'closed' }).expect(200);
      expect(bodyOf<ConversationView>(closed)).toMatchObject({ status: 'closed', snoozedUntil: null });
    });

    it('answers 400 naming snoozedUntil when snoozing without one, with a past one, or giving one to another status', async () => {
      const conversation = await inboundConversation();

      const missing = await patch(ada, conversation.id, { status: 'snoozed' }).expect(400);
      const past = await patch(ada, conversation.id, {
        status: 'snoozed',
        snoozedUntil: new Date(Date.now() - 60_000).toISOString(),
      }).expect(400);
      const notSnoozing = await patch(ada, conversation.id, {
        status: 'closed',
        snoozedUntil: inAnHour(),
      }).expect(400);
      const notADate = await patch(ada, conversation.id, {
        status: 'snoozed',
        snoozedUntil: 'tomorrow',
      }).expect(400);

      for (const response of [missing, past, notSnoozing, notADate])
        expect(fieldsOf(response)).toEqual(['snoozedUntil']);
      expect(await getConversation(sut, ada, conversation.id)).toMatchObject({
        status: 'open',
        snoozedUntil: null,
      });
    });

    it('reopens a closed conversation, and a snoozed one, when the contact writes', async () => {
      const closed = await inboundConversation();
      const snoozed = await inboundConversation();
      await patch(ada, closed.id, { status: 'closed' }).expect(200);
      await patch(ada, snoozed.id, { status: 'snoozed', snoozedUntil: inAnHour() }).expect(200);

      await writeIn(closed, 'Actually, one more thing');
      await writeIn(snoozed, 'Are you there?');

      expect(await getConversation(sut, ada, closed.id)).toMatchObject({ status: 'open', unreadCount: 2 });
      expect(await getConversation(sut, ada, snoozed.id)).toMatchObject({
        status: 'open',
        snoozedUntil: null,
      });
    });

    it('leaves an archived conversation archived when the contact writes', async () => {
      const conversation = await inboundConversation();
      await patch(admin, conversation.id, { status: 'archived' }).expect(200);

      await writeIn(conversation, 'Hello again');

      expect(await getConversation(sut, ada, conversation.id)).toMatchObject({ status: 'archived' });
    });

    it('wakes a snoozed conversation by itself at snoozedUntil, announced on the stream', async () => {
      const conversation = await inboundConversation();
      const stream = await openStream(grace);
      const until = new Date(Date.now() + 1_500).toISOString();

      await patch(ada, conversation.id, { status: 'snoozed', snoozedUntil: until }).expect(200);
      expect(await getConversation(sut, ada, conversation.id)).toMatchObject({ status: 'snoozed' });

      const woken = await stream.next<ConversationView>(
        'conversation.updated',
        (event) => event.id === conversation.id && event.status === 'open',
      );
      expect(woken.snoozedUntil).toBeNull();
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(until));
      expect(await getConversation(sut, ada, conversation.id)).toMatchObject({
        status: 'open',
        snoozedUntil: null,
      });
    });

    it('wakes each snoozed conversation exactly once with two instances running the job', async () => {
      const second = await startMessagingApp({ DATABASE_URL: database.url, SNOOZE_WAKE_INTERVAL_MS: '100' });
      try {
        const conversations = await Promise.all(Array.from({ length: 8 }, () => inboundConversation()));
        const stream = await openStream(ada);
        // Far enough ahead that a loaded CI machine still gets every snooze in before the first wakes.
        const until = new Date(Date.now() + 5_000).toISOString();
        await Promise.all(
          conversations.map((conversation) =>
            patch(ada, conversation.id, { status: 'snoozed', snoozedUntil: until }).expect(200),
          ),
        );
        const ids = new Set(conversations.map((conversation) => conversation.id));

        await waitFor(
          () => listConversations(sut, ada, { status: 'snoozed', limit: 200 }),
          (page) => !page.items.some((item) => ids.has(item.id)),
          { description: 'every snoozed conversation to wake' },
        );
        // A later event: the stream carries the log in order, so every wake-up came before it.
        const sentinel = await sut.http
          .post(`/api/v1/conversations/${conversations[0].id}/notes`)
          .set(bearer(ada))
          .send({ text: 'All awake' })
          .expect(201);
        await stream.next<NoteView>('note.created', (note) => note.id === bodyOf<NoteView>(sentinel).id);

        const wakeUps = stream.matching<ConversationView>(
          'conversation.updated',
          (event) =>
            ids.has(event.id) && event.status === 'open' && Date.parse(event.updatedAt) >= Date.parse(until),
        );
        expect(wakeUps.map((event) => event.id).sort()).toEqual([...ids].sort());
      } finally {
        await second.close();
      }
    });

    it('sends assignment, status and snooze changes out as conversation.updated with the new fields', async () => {
      const conversation = await inboundConversation();
      const stream = await openStream(admin);
      const until = inAnHour();

      await patch(ada, conversation.id, { assigneeId: ada.id }).expect(200);
      await patch(ada, conversation.id, { status: 'snoozed', snoozedUntil: until }).expect(200);
      await patch(ada, conversation.id, { status: 'closed' }).expect(200);

      const mine = (event: ConversationView) => event.id === conversation.id;
      await stream.next<ConversationView>('conversation.updated', (e) => mine(e) && e.assigneeId === ada.id);
      await stream.next<ConversationView>(
        'conversation.updated',
        (e) => mine(e) && e.status === 'snoozed' && e.snoozedUntil === until,
      );
      await stream.next<ConversationView>(
        'conversation.updated',
        (e) => mine(e) && e.status === 'closed' && e.snoozedUntil === null && e.assigneeId === ada.id,
      );
    });
  });

  describe('internal notes', () => {
    it('stores notes oldest first in a cursor list, live as note.created, never sent and never unread', async () => {
      const contact = randomPhone();
      const first = await sendMessage(sut, ada, {
        channelId: sms.id,
        to: contact,
        text: 'Your order shipped',
      });
      const stream = await openStream(grace);
      const before = await getConversation(sut, ada, first.conversationId);
      const requestsBefore = sinchSms.requests.length;

      const created: NoteView[] = [];
      for (const text of ['Customer prefers mornings', 'Refund approved by Sam', 'Follow up on Friday']) {
        const response = await sut.http
          .post(`/api/v1/conversations/${first.conversationId}/notes`)
          .set(bearer(ada))
          .send({ text })
          .expect(201);
        created.push(bodyOf<NoteView>(response));
      }
      // A reply afterwards: once it reached the provider, anything sent before it would have too.
      await sut.http
        .post(`/api/v1/conversations/${first.conversationId}/messages`)
        .set(bearer(ada))
        .send({ text: 'Anything else?' })
        .expect(202);

      expect(created[0]).toMatchObject({
        conversationId: first.conversationId,
        authorId: ada.id,
        text: 'Customer prefers mornings',
      });
      const live = await stream.next<NoteView>('note.created', (note) => note.id === created[0].id);
      expect(live).toEqual(created[0]);

      const sent = sinchSms.batches.slice(-1);
      expect(sinchSms.requests.length).toBe(requestsBefore + 1);
      expect(sent.map((batch) => batch.body)).toEqual(['Anything else?']);
      const after = await getConversation(sut, ada, first.conversationId);
      expect(after).toMatchObject({ unreadCount: before.unreadCount, lastMessagePreview: 'Anything else?' });

      const page1 = await sut.http
        .get(`/api/v1/conversations/${first.conversationId}/notes?limit=2`)
        .set(bearer(grace))
        .expect(200);
      const firstPage = bodyOf<PageView<NoteView>>(page1);
      expect(firstPage.items.map((note) => note.text)).toEqual([
        'Customer prefers mornings',
        'Refund approved by Sam',
      ]);
      const page2 = await sut.http
        .get(`/api/v1/conversations/${first.conversationId}/notes?limit=2&cursor=${firstPage.nextCursor}`)
        .set(bearer(grace))
        .expect(200);
      expect(bodyOf<PageView<NoteView>>(page2)).toEqual({ items: [created[2]], nextCursor: null });
    });

    it('answers 400 naming text for an empty note, 404 for an unknown conversation', async () => {
      const conversation = await inboundConversation();
      const empty = await sut.http
        .post(`/api/v1/conversations/${conversation.id}/notes`)
        .set(bearer(ada))
        .send({ text: '' })
        .expect(400);
      expect(fieldsOf(empty)).toEqual(['text']);
      await sut.http
        .post('/api/v1/conversations/7d1b3c52-9a4e-4f0b-8c6d-2e5f7a9b1c3d/notes')
        .set(bearer(ada))
        .send({ text: 'Hello' })
        .expect(404);
      await sut.http
        .get('/api/v1/conversations/7d1b3c52-9a4e-4f0b-8c6d-2e5f7a9b1c3d/notes')
        .set(bearer(ada))
        .expect(404);
    });
  });

  describe('canned responses', () => {
    const create = (user: TestUser, body: Record<string, unknown>) =>
      sut.http.post('/api/v1/canned-responses').set(bearer(user)).send(body);

    it('admins write them, agents read them; the shortcode is unique regardless of case (409)', async () => {
      const refused = await create(ada, { shortcode: 'agent-made', text: 'Hi' }).expect(403);
      expect(errorOf(refused).statusCode).toBe(403);

      const created = bodyOf<CannedResponseView>(
        await create(admin, { shortcode: 'returns', text: 'Returns are free within 30 days.' }).expect(201),
      );
      expect(created).toMatchObject({ shortcode: 'returns', text: 'Returns are free within 30 days.' });
      await create(admin, { shortcode: 'RETURNS', text: 'Another' }).expect(409);

      const listed = await sut.http.get('/api/v1/canned-responses').set(bearer(ada)).expect(200);
      expect(bodyOf<PageView<CannedResponseView>>(listed).items).toContainEqual(created);
      await sut.http.get(`/api/v1/canned-responses/${created.id}`).set(bearer(grace)).expect(200);

      await sut.http
        .patch(`/api/v1/canned-responses/${created.id}`)
        .set(bearer(ada))
        .send({ text: 'Changed' })
        .expect(403);
      const other = bodyOf<CannedResponseView>(
        await create(admin, { shortcode: 'refunds', text: 'Refunds' }).expect(201),
      );
      await sut.http
        .patch(`/api/v1/canned-responses/${other.id}`)
        .set(bearer(admin))
        .send({ shortcode: 'Returns' })
        .expect(409);
      const changed = await sut.http
        .patch(`/api/v1/canned-responses/${created.id}`)
        .set(bearer(admin))
        .send({ text: 'Returns are free within 60 days.' })
        .expect(200);
      expect(bodyOf<CannedResponseView>(changed)).toMatchObject({
        shortcode: 'returns',
        text: 'Returns are free within 60 days.',
      });

      await sut.http.delete(`/api/v1/canned-responses/${created.id}`).set(bearer(ada)).expect(403);
      await sut.http.delete(`/api/v1/canned-responses/${created.id}`).set(bearer(admin)).expect(204);
      await sut.http.get(`/api/v1/canned-responses/${created.id}`).set(bearer(ada)).expect(404);
      await sut.http.delete(`/api/v1/canned-responses/${created.id}`).set(bearer(admin)).expect(404);
    });

    it('answers 400 naming the field for an unknown placeholder, a bad shortcode or a null text', async () => {
      const placeholder = await create(admin, { shortcode: 'oops', text: 'Hi {{nickname}}' }).expect(400);
      expect(fieldsOf(placeholder)).toEqual(['text']);
      const shortcode = await create(admin, { shortcode: 'two words', text: 'Hi' }).expect(400);
      expect(fieldsOf(shortcode)).toEqual(['shortcode']);
      const created = bodyOf<CannedResponseView>(
        await create(admin, { shortcode: 'nulls', text: 'Hi' }).expect(201),
      );
      const nullText = await sut.http
        .patch(`/api/v1/canned-responses/${created.id}`)
        .set(bearer(admin))
        .send({ text: null })
        .expect(400);
      expect(fieldsOf(nullText)).toEqual(['text']);
    });

    it('sends a canned response with {{firstName}} filled for the conversation’s contact', async () => {
      const phone = randomPhone();
      await sut.http
        .post('/api/v1/contacts')
        .set(bearer(admin))
        .send({ phone, firstName: 'Ada', attributes: { plan: 'gold' } })
        .expect(201);
      const canned = bodyOf<CannedResponseView>(
        await create(admin, {
          shortcode: 'hours',
          text: "Hi {{firstName}}, we're open 9–5 for {{attributes.plan}} members.",
        }).expect(201),
      );
      const first = await sendMessage(sut, ada, { channelId: sms.id, to: phone, text: 'Welcome' });

      const reply = await sut.http
        .post(`/api/v1/conversations/${first.conversationId}/messages`)
        .set(bearer(ada))
        .send({ cannedResponseId: canned.id })
        .expect(202);

      expect(bodyOf<{ conversationId: string }>(reply).conversationId).toBe(first.conversationId);
      expect(sinchSms.batches.at(-1)).toMatchObject({
        to: [phone.slice(1)],
        body: "Hi Ada, we're open 9–5 for gold members.",
      });
    });

    it('applies the rules of a reply: 403 for an opted-out contact, 422 outside the WhatsApp window, 404 for an unknown canned response, 400 with text as well', async () => {
      const canned = bodyOf<CannedResponseView>(
        await create(admin, { shortcode: 'thanks', text: 'Thanks {{firstName}}!' }).expect(201),
      );
      const phone = randomPhone();
      const first = await sendMessage(sut, ada, { channelId: sms.id, to: phone, text: 'Welcome' });
      const reply = (body: Record<string, unknown>, conversationId = first.conversationId) =>
        sut.http.post(`/api/v1/conversations/${conversationId}/messages`).set(bearer(ada)).send(body);

      const both = await reply({ cannedResponseId: canned.id, text: 'Hi' }).expect(400);
      expect(fieldsOf(both)).toEqual(['cannedResponseId']);
      await reply({ cannedResponseId: '7d1b3c52-9a4e-4f0b-8c6d-2e5f7a9b1c3d' }).expect(404);
      const nothing = await reply({ cannedResponseId: null }).expect(400);
      expect(fieldsOf(nothing)).toEqual(['cannedResponseId']);

      const { contact } = await getConversation(sut, ada, first.conversationId);
      await sut.http.post(`/api/v1/contacts/${contact.id}/opt-out`).set(bearer(admin)).expect(200);
      const batchesBefore = sinchSms.batches.length;
      await reply({ cannedResponseId: canned.id }).expect(403);
      expect(sinchSms.batches.length).toBe(batchesBefore);

      const whatsappApi = new FakeSinchConversationServer();
      await whatsappApi.start();
      try {
        const whatsapp = await createChannel(
          sut,
          admin,
          sinchConversationChannel(whatsappApi, { channel: 'WHATSAPP' }, '+12025550147'),
        );
        const template = await sendMessage(sut, ada, {
          channelId: whatsapp.id,
          to: randomPhone(),
          template: { id: 'order_update', languageCode: 'en_US' },
        });
        const sendsBefore = whatsappApi.sendRequests.length;
        await reply({ cannedResponseId: canned.id }, template.conversationId).expect(422);
        expect(whatsappApi.sendRequests.length).toBe(sendsBefore);
      } finally {
        await whatsappApi.stop();
      }
    });
  });
});
