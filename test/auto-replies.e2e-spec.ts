import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { FakePlivoServer } from './fakes/fake-plivo.server.js';
import { fieldsOf } from './support/bodies.js';
import {
  allAutoReplies,
  type AutoReplyView,
  builtinReplies,
  editedBuiltinText,
  getContact,
  originalBuiltinText,
  plivoXmlMessages,
  sandboxReplies,
  waitForConversation,
} from './support/inbox.js';
import {
  type ChannelView,
  createChannel,
  plivoChannel,
  randomPhone,
  sandboxChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { formBody, pathOf, plivoV3Headers } from './support/webhooks.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** A keyword no other test file sends. */
const uniqueKeyword = (prefix: string) =>
  `${prefix}${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}`;

describe('Auto-replies', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  const plivo = new FakePlivoServer();
  let channelA: ChannelView;
  let channelB: ChannelView;
  let plivoCh: ChannelView;
  const created: string[] = [];

  beforeAll(async () => {
    await plivo.start();
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
    channelA = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 50 }));
    channelB = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 50 }));
    plivoCh = await createChannel(sut, admin, plivoChannel(plivo));
  });
  afterAll(async () => {
    for (const id of created) await sut.http.delete(`/api/v1/auto-replies/${id}`).set(bearer(admin));
    await sut.close();
    await plivo.stop();
  });

  const post = (body: Record<string, unknown>, user: TestUser = admin) =>
    sut.http.post('/api/v1/auto-replies').set(bearer(user)).send(body);
  const patch = (id: string, body: Record<string, unknown>, user: TestUser = admin) =>
    sut.http.patch(`/api/v1/auto-replies/${id}`).set(bearer(user)).send(body);
  const createRule = async (body: Record<string, unknown>): Promise<AutoReplyView> => {
    const response = await post(body);
    if (response.status !== 201)
      throw new Error(`POST /auto-replies answered ${response.status}: ${response.text}`);
    const rule = response.body as AutoReplyView;
    created.push(rule.id);
    return rule;
  };
  const repliesOn = (channel: ChannelView, text: string, from = randomPhone()) =>
    sandboxReplies(sut, admin, channel.id, from, text);

  describe('CRUD', () => {
    it('an admin creates (201), reads, lists, changes (200) and deletes (204) a rule; then it is 404', async () => {
      const keyword = uniqueKeyword('CRUD');

      const response = await post({
        keywords: [keyword],
        match: 'exact',
        reply: 'Created reply',
        channelId: channelA.id,
      }).expect(201);

      const rule = response.body as AutoReplyView;
      expect(rule).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        builtin: null,
        keywords: [keyword],
        match: 'exact',
        reply: 'Created reply',
        channelId: channelA.id,
        action: 'none',
        enabled: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(
        (await sut.http.get(`/api/v1/auto-replies/${rule.id}`).set(bearer(admin)).expect(200)).body,
      ).toEqual(rule);
      expect((await allAutoReplies(sut, admin)).filter((item) => item.id === rule.id)).toEqual([rule]);

      const changed = await patch(rule.id, {
        reply: 'Changed reply',
        match: 'contains',
        keywords: [keyword, 'OTHER'],
      }).expect(200);
      expect(changed.body).toMatchObject({
        id: rule.id,
        reply: 'Changed reply',
        match: 'contains',
        keywords: [keyword, 'OTHER'],
        channelId: channelA.id,
        enabled: true,
      });
      expect(
        (await sut.http.get(`/api/v1/auto-replies/${rule.id}`).set(bearer(admin)).expect(200)).body,
      ).toMatchObject({ reply: 'Changed reply' });

      await sut.http.delete(`/api/v1/auto-replies/${rule.id}`).set(bearer(admin)).expect(204);

      await sut.http.get(`/api/v1/auto-replies/${rule.id}`).set(bearer(admin)).expect(404);
      await patch(rule.id, { reply: 'x' }).expect(404);
      await sut.http.delete(`/api/v1/auto-replies/${rule.id}`).set(bearer(admin)).expect(404);
      expect((await allAutoReplies(sut, admin)).some((item) => item.id === rule.id)).toBe(false);
    });

    it('answers 404 for unknown ids and 400 for ids that are not UUIDs', async () => {
      const unknownGet = await sut.http
        .get(`/api/v1/auto-replies/${UNKNOWN_ID}`)
        .set(bearer(admin))
        .expect(404);
      await patch(UNKNOWN_ID, { reply: 'x' }).expect(404);
      await sut.http.delete(`/api/v1/auto-replies/${UNKNOWN_ID}`).set(bearer(admin)).expect(404);
      await sut.http.get('/api/v1/auto-replies/not-a-uuid').set(bearer(admin)).expect(400);

      expect(unknownGet.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });

    it('answers 400 naming each bad field', async () => {
      const empty = await post({}).expect(400);
      expect(fieldsOf(empty)).toEqual(expect.arrayContaining(['keywords', 'match', 'reply']));

      const bad = await post({
        keywords: 'HOURS',
        match: 'fuzzy',
        reply: '',
        channelId: 'not-a-uuid',
        action: 'explode',
        enabled: 'yes',
      }).expect(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(fieldsOf(bad)).toEqual(
        expect.arrayContaining(['keywords', 'match', 'reply', 'channelId', 'action', 'enabled']),
      );

      const noKeywords = await post({ keywords: [], match: 'exact', reply: 'r' }).expect(400);
      expect(fieldsOf(noKeywords)).toEqual(['keywords']);
      const blankKeyword = await post({ keywords: ['   '], match: 'exact', reply: 'r' }).expect(400);
      expect(fieldsOf(blankKeyword).every((field) => field.startsWith('keywords'))).toBe(true);
      expect(fieldsOf(blankKeyword).length).toBeGreaterThan(0);
      const tooLong = await post({ keywords: ['HOURS'], match: 'exact', reply: 'x'.repeat(1001) }).expect(
        400,
      );
      expect(fieldsOf(tooLong)).toEqual(['reply']);
      const unknownField = await post({
        keywords: ['HOURS'],
        match: 'exact',
        reply: 'r',
        priority: 1,
      }).expect(400);
      expect(fieldsOf(unknownField)).toEqual(['priority']);
      const missingChannel = await post({
        keywords: ['HOURS'],
        match: 'exact',
        reply: 'r',
        channelId: UNKNOWN_ID,
      }).expect(400);
      expect(fieldsOf(missingChannel)).toEqual(['channelId']);

      const rule = await createRule({
        keywords: [uniqueKeyword('VAL')],
        match: 'exact',
        reply: 'r',
        channelId: channelA.id,
      });
      const badPatch = await patch(rule.id, { match: 'fuzzy' }).expect(400);
      expect(fieldsOf(badPatch)).toEqual(['match']);
      expect(
        (await sut.http.get(`/api/v1/auto-replies/${rule.id}`).set(bearer(admin)).expect(200)).body,
      ).toMatchObject({ match: 'exact' });
    });

    it('an agent may list and read but not create, change or delete (403); no token is 401', async () => {
      const rule = await createRule({
        keywords: [uniqueKeyword('AGENT')],
        match: 'exact',
        reply: 'Admin wrote this',
        channelId: channelA.id,
      });

      await post({ keywords: ['X'], match: 'exact', reply: 'r' }, agent).expect(403);
      await patch(rule.id, { reply: 'Agent wrote this' }, agent).expect(403);
      await sut.http.delete(`/api/v1/auto-replies/${rule.id}`).set(bearer(agent)).expect(403);

      const listed = await sut.http.get('/api/v1/auto-replies').set(bearer(agent)).expect(200);
      expect(listed.body).toMatchObject({ items: expect.any(Array) });
      expect(
        (await sut.http.get(`/api/v1/auto-replies/${rule.id}`).set(bearer(agent)).expect(200)).body,
      ).toMatchObject({
        reply: 'Admin wrote this',
      });
      expect((await allAutoReplies(sut, agent)).some((item) => item.id === rule.id)).toBe(true);
      await sut.http.get('/api/v1/auto-replies').expect(401);
      await sut.http
        .post('/api/v1/auto-replies')
        .send({ keywords: ['X'], match: 'exact', reply: 'r' })
        .expect(401);
    });

    it('lists with a cursor: limit is honoured and pages do not overlap', async () => {
      for (let i = 0; i < 3; i++)
        await createRule({
          keywords: [uniqueKeyword('PAGE')],
          match: 'exact',
          reply: `r${i}`,
          channelId: channelB.id,
        });

      const first = await sut.http.get('/api/v1/auto-replies?limit=2').set(bearer(agent)).expect(200);
      const body = first.body as { items: AutoReplyView[]; nextCursor: string | null };
      expect(body.items).toHaveLength(2);
      expect(body.nextCursor).toEqual(expect.any(String));
      const second = await sut.http
        .get(`/api/v1/auto-replies?limit=2&cursor=${encodeURIComponent(body.nextCursor!)}`)
        .set(bearer(agent))
        .expect(200);
      const secondIds = (second.body as { items: AutoReplyView[] }).items.map((item) => item.id);
      expect(secondIds.some((id) => body.items.some((item) => item.id === id))).toBe(false);
      await sut.http.get('/api/v1/auto-replies?limit=201').set(bearer(agent)).expect(400);
    });
  });

  describe('built-in consent keywords', () => {
    it('are listed, enabled, with their keywords and actions', async () => {
      const builtins = await builtinReplies(sut, agent);

      expect(builtins.opt_out).toMatchObject({ action: 'opt_out', enabled: true, channelId: null });
      expect(builtins.opt_out.keywords.map((k) => k.toUpperCase()).sort()).toEqual([
        'CANCEL',
        'END',
        'OPT OUT',
        'OPTOUT',
        'QUIT',
        'REVOKE',
        'STOP',
        'STOP ALL',
        'STOPALL',
        'UNSUBSCRIBE',
      ]);
      expect(builtins.opt_in).toMatchObject({ action: 'opt_in', enabled: true, channelId: null });
      expect(builtins.opt_in.keywords.map((k) => k.toUpperCase()).sort()).toEqual(['START', 'UNSTOP', 'YES']);
      expect(builtins.help).toMatchObject({ action: 'none', enabled: true, channelId: null });
      expect(builtins.help.keywords.map((k) => k.toUpperCase()).sort()).toEqual(['HELP', 'INFO']);
      for (const rule of Object.values(builtins)) expect(rule.reply.length).toBeGreaterThan(0);
    });

    it('cannot be deleted (409) and stay listed', async () => {
      const builtins = await builtinReplies(sut, admin);

      for (const rule of Object.values(builtins)) {
        const response = await sut.http
          .delete(`/api/v1/auto-replies/${rule.id}`)
          .set(bearer(admin))
          .expect(409);
        expect(response.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }

      const after = await builtinReplies(sut, admin);
      expect(Object.values(after).map((rule) => rule.id)).toEqual(
        Object.values(builtins).map((rule) => rule.id),
      );
    });

    it('cannot have anything but the reply changed (409), and a refused change changes nothing', async () => {
      const { opt_out: rule, help } = await builtinReplies(sut, admin);

      await patch(rule.id, { keywords: ['STOP'] }).expect(409);
      await patch(rule.id, { keywords: ['HALT'] }).expect(409);
      await patch(rule.id, { match: 'contains' }).expect(409);
      await patch(rule.id, { enabled: false }).expect(409);
      await patch(rule.id, { action: 'none' }).expect(409);
      await patch(rule.id, { channelId: channelA.id }).expect(409);
      await patch(help.id, { action: 'opt_out' }).expect(409);
      await patch(rule.id, { reply: 'Sneaky new text', keywords: ['HALT'] }).expect(409);

      const after = await builtinReplies(sut, admin);
      expect(after.opt_out).toMatchObject({
        keywords: rule.keywords,
        match: rule.match,
        enabled: true,
        action: 'opt_out',
        channelId: null,
      });
      expect(after.opt_out.reply).not.toBe('Sneaky new text');
      expect(after.help.action).toBe('none');
      // STOP still opts out.
      const phone = randomPhone();
      expect((await repliesOn(channelA, 'STOP', phone)).map(originalBuiltinText)).toEqual([
        originalBuiltinText(after.opt_out.reply),
      ]);
      expect((await waitForConversation(sut, admin, channelA.id, phone)).contact.optedOut).toBe(true);
    });

    it('have an editable reply text: an inbound STOP then gets the new text', async () => {
      const { opt_out: rule } = await builtinReplies(sut, admin);
      const original = originalBuiltinText(rule.reply);
      const edited = editedBuiltinText(original, randomUUID().slice(0, 8));
      try {
        const response = await patch(rule.id, { reply: edited }).expect(200);
        expect(response.body).toMatchObject({
          id: rule.id,
          builtin: 'opt_out',
          reply: edited,
          keywords: rule.keywords,
          action: 'opt_out',
        });

        const phone = randomPhone();
        const replies = await repliesOn(channelA, 'STOP', phone);

        expect(replies).toEqual([edited]);
        expect((await waitForConversation(sut, admin, channelA.id, phone)).contact.optedOut).toBe(true);
      } finally {
        await patch(rule.id, { reply: original }).expect(200);
      }
    });
  });

  describe('matching', () => {
    it('an exact rule {keywords:["HOURS"]} answers "hours" case- and whitespace-insensitively, and nothing longer', async () => {
      await createRule({
        keywords: ['HOURS'],
        match: 'exact',
        reply: "We're open 9-5",
        channelId: channelA.id,
      });

      expect(await repliesOn(channelA, 'hours')).toEqual(["We're open 9-5"]);
      expect(await repliesOn(channelA, '  Hours \n')).toEqual(["We're open 9-5"]);
      expect(await repliesOn(channelA, 'HoUrS')).toEqual(["We're open 9-5"]);
      expect(await repliesOn(channelA, 'hours please')).toEqual([]);
      expect(await repliesOn(channelA, 'what are your hours')).toEqual([]);
      expect(await repliesOn(channelA, 'HOURSS')).toEqual([]);
    });

    it('a startsWith rule answers messages beginning with the keyword (as a word)', async () => {
      const keyword = uniqueKeyword('OPENING');
      await createRule({
        keywords: [keyword],
        match: 'startsWith',
        reply: 'Opening times: 9-5',
        channelId: channelA.id,
      });

      expect(await repliesOn(channelA, `${keyword.toLowerCase()} times please`)).toEqual([
        'Opening times: 9-5',
      ]);
      expect(await repliesOn(channelA, `  ${keyword}`)).toEqual(['Opening times: 9-5']);
      expect(await repliesOn(channelA, `when is ${keyword}`)).toEqual([]);
      expect(await repliesOn(channelA, `${keyword}X today`)).toEqual([]);
    });

    it('a contains rule answers messages containing the keyword (as a word), multi-word keywords included', async () => {
      const keyword = uniqueKeyword('DELIVERY');
      await createRule({
        keywords: [keyword, `track ${keyword}`],
        match: 'contains',
        reply: 'Deliveries take 2 days',
        channelId: channelA.id,
      });

      expect(await repliesOn(channelA, `when is my ${keyword.toLowerCase()} due`)).toEqual([
        'Deliveries take 2 days',
      ]);
      expect(await repliesOn(channelA, keyword)).toEqual(['Deliveries take 2 days']);
      expect(await repliesOn(channelA, `please  TRACK   ${keyword.toLowerCase()}  now`)).toEqual([
        'Deliveries take 2 days',
      ]);
      expect(await repliesOn(channelA, `${keyword}MAN is here`)).toEqual([]);
    });

    it('a channel-specific rule beats a global one; other channels get the global one', async () => {
      const keyword = uniqueKeyword('ZEBRA');
      await createRule({ keywords: [keyword], match: 'exact', reply: 'Global answer' });
      await createRule({
        keywords: [keyword],
        match: 'exact',
        reply: 'Channel A answer',
        channelId: channelA.id,
      });

      expect(await repliesOn(channelA, keyword)).toEqual(['Channel A answer']);
      expect(await repliesOn(channelB, keyword)).toEqual(['Global answer']);
    });

    it('a disabled rule does not answer until it is enabled again', async () => {
      const keyword = uniqueKeyword('NIGHT');
      const rule = await createRule({
        keywords: [keyword],
        match: 'exact',
        reply: 'Night service',
        channelId: channelA.id,
        enabled: false,
      });
      expect(rule.enabled).toBe(false);

      expect(await repliesOn(channelA, keyword)).toEqual([]);

      await patch(rule.id, { enabled: true }).expect(200);
      expect(await repliesOn(channelA, keyword)).toEqual(['Night service']);

      await patch(rule.id, { enabled: false }).expect(200);
      expect(await repliesOn(channelA, keyword)).toEqual([]);
    });

    it('a rule only for channel A does not answer on channel B', async () => {
      const keyword = uniqueKeyword('ONLYA');
      await createRule({ keywords: [keyword], match: 'exact', reply: 'Only on A', channelId: channelA.id });

      expect(await repliesOn(channelB, keyword)).toEqual([]);
      expect(await repliesOn(channelA, keyword)).toEqual(['Only on A']);
    });

    it('a custom rule with action opt_out opts the sender out and confirms', async () => {
      const keyword = uniqueKeyword('REMOVEME');
      await createRule({
        keywords: [keyword],
        match: 'exact',
        reply: 'Removed from the list',
        channelId: channelA.id,
        action: 'opt_out',
      });
      const phone = randomPhone();

      expect(await repliesOn(channelA, keyword, phone)).toEqual(['Removed from the list']);

      const conversation = await waitForConversation(sut, admin, channelA.id, phone);
      expect(await getContact(sut, agent, conversation.contact.id)).toMatchObject({ optedOut: true });
    });
  });

  describe('Plivo inline reply', () => {
    it('is XML-escaped, in a document with exactly one <Message>', async () => {
      const keyword = uniqueKeyword('ESC');
      const reply = `Hours: <b>9 & 5</b> "daily" 'ish' </Message><Message src="1" dst="2">injected`;
      await createRule({ keywords: [keyword], match: 'exact', reply, channelId: plivoCh.id });
      const from = randomPhone();
      const params = {
        From: from.slice(1),
        To: plivoCh.sender.slice(1),
        Text: keyword.toLowerCase(),
        Type: 'sms',
        MessageUUID: randomUUID(),
      };
      const url = plivoCh.webhookUrls.inbound!;

      const response = await sut.http
        .post(pathOf(url))
        .set(plivoV3Headers(plivo.authToken, url, params))
        .send(formBody(params))
        .expect(200);

      expect(response.headers['content-type']).toMatch(/^application\/xml/);
      const xml = response.text;
      expect(xml.match(/<Message\b/g)).toHaveLength(1);
      expect(xml.match(/<\/Message>/g)).toHaveLength(1);
      expect(xml).not.toContain('<b>');
      expect(xml).toMatch(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Response>\s*<Message\b[^>]*>[^<]*<\/Message>\s*<\/Response>$/,
      );
      const messages = plivoXmlMessages(xml);
      expect(messages).toHaveLength(1);
      expect(messages[0].text).toBe(reply);
      expect(messages[0].rawText).toContain('&lt;b&gt;9 &amp; 5&lt;/b&gt;');
      expect(messages[0].dst.replace(/^\+/, '')).toBe(from.slice(1));
      expect(messages[0].src.replace(/^\+/, '')).toBe(plivoCh.sender.slice(1));
    });
  });
});
