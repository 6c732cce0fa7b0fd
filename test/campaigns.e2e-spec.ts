import { expect } from '@jest/globals';

import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { bodyOf, fieldsOf } from './support/bodies.js';
import {
  addsUp,
  batchesFor,
  campaignAction,
  createCampaign,
  dispatchMovedOn,
  getCampaign,
  recipientsSentTo,
  seedContacts,
  seedContactWithoutPhone,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import type { PageView } from './support/inbox.js';
import {
  type ChannelView,
  createChannel,
  type MessageView,
  sinchConversationChannel,
  sinchSmsChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';

describe('Campaigns', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  const fake = new FakeSinchSmsServer();

  beforeAll(async () => {
    await fake.start();
    sut = await startMessagingApp({
      CAMPAIGN_DISPATCH_INTERVAL_MS: '200',
      LOG_LEVEL: process.env.CAMPAIGN_TEST_LOG_LEVEL ?? 'silent',
    });
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
  });
  afterAll(async () => {
    await sut.close();
    await fake.stop();
  });

  const smsChannel = (
    server: FakeSinchSmsServer = fake,
    config: Record<string, unknown> = {},
  ): Promise<ChannelView> => createChannel(sut, admin, sinchSmsChannel(server, config));

  it('sends 2,500 recipients in requests of at most 1000, each recipient exactly once, and completes', async () => {
    const tag = uniqueTag('bulk');
    const phones = new Set(await seedContacts(sut, { count: 2500, tag }));
    const channel = await smsChannel();
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Spring sale: 20% off today' },
      audience: { tags: [tag] },
    });
    expect(campaign).toMatchObject({ status: 'draft', progress: 0, stats: { total: 0 } });

    await campaignAction(sut, admin, campaign.id, 'schedule');
    const done = await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'completed');

    const batches = batchesFor(fake, phones);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const batch of batches) {
      expect(batch.to.length).toBeLessThanOrEqual(1000);
      expect(batch.body).toBe('Spring sale: 20% off today');
      expect(batch.client_reference).toEqual(expect.any(String));
      expect(batch.callback_url).toEqual(expect.stringContaining('http://switchboard.test'));
      expect(batch.delivery_report).toBe('per_recipient');
    }
    const sentTo = recipientsSentTo(fake, phones);
    expect(sentTo).toHaveLength(2500);
    expect(new Set(sentTo)).toEqual(phones);
    expect(done.stats).toEqual({
      total: 2500,
      queued: 0,
      sent: 2500,
      delivered: 0,
      read: 0,
      failed: 0,
      skippedOptedOut: 0,
      skippedInvalid: 0,
      held: 0,
      skippedFrequencyCap: 0,
    });
    expect(addsUp(done.stats)).toBe(true);
    expect(done.progress).toBe(1);
    expect(done.completedAt).toEqual(expect.any(String));

    const page = await sut.http
      .get(`/api/v1/campaigns/${campaign.id}/messages?limit=200&status=sent`)
      .set(bearer(agent))
      .expect(200);
    const first = bodyOf<PageView<MessageView>>(page);
    expect(first.items).toHaveLength(200);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.items[0]).toMatchObject({
      status: 'sent',
      providerMessageId: expect.any(String),
      clientReference: expect.stringMatching(/^cmp_/),
    });
    const next = await sut.http
      .get(`/api/v1/campaigns/${campaign.id}/messages?limit=200&status=sent&cursor=${first.nextCursor}`)
      .set(bearer(agent))
      .expect(200);
    const firstIds = new Set(first.items.map((m) => m.id));
    expect(bodyOf<PageView<MessageView>>(next).items.some((m) => firstIds.has(m.id))).toBe(false);
  });

  it('renders placeholders per recipient, skips opted-out and unreachable contacts and counts them', async () => {
    const tag = uniqueTag('personal');
    const phones = await seedContacts(sut, {
      count: 6,
      tag,
      firstName: (i) => (i === 2 ? null : `Ada${i}`),
      city: (i) => (i === 3 ? null : `Paris${i}`),
      optedOut: (i) => i >= 5,
    });
    await seedContactWithoutPhone(sut, tag);
    const channel = await smsChannel();
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Hi {{firstName}} {{attributes.city}}!' },
      audience: { tags: [tag] },
    });

    await campaignAction(sut, admin, campaign.id, 'schedule');
    const done = await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'completed');

    const [batch, ...others] = batchesFor(fake, new Set(phones));
    expect(others).toHaveLength(0);
    expect(fake.renderFor(batch, phones[0])).toBe('Hi Ada1 Paris1!');
    expect(fake.renderFor(batch, phones[1])).toBe('Hi  Paris2!');
    expect(fake.renderFor(batch, phones[2])).toBe('Hi Ada3 !');
    expect(fake.renderFor(batch, phones[3])).toBe('Hi Ada4 Paris4!');
    expect(batch.to).toHaveLength(4);
    expect(fake.renderFor(batch, phones[4])).toBeUndefined();
    expect(done.stats).toEqual({
      total: 7,
      queued: 0,
      sent: 4,
      delivered: 0,
      read: 0,
      failed: 0,
      skippedOptedOut: 2,
      skippedInvalid: 1,
      held: 0,
      skippedFrequencyCap: 0,
    });
    expect(addsUp(done.stats)).toBe(true);
  });

  it("shows the campaign's text as the preview of its recipients' conversations in the inbox", async () => {
    const tag = uniqueTag('preview');
    const [phone] = await seedContacts(sut, { count: 1, tag, firstName: () => 'Ada' });
    const channel = await smsChannel();
    /** Sends `text` to the tag and answers the channel's inbox once the campaign completed. */
    const sendAndListInbox = async (text: string) => {
      const campaign = await createCampaign(sut, admin, {
        channelId: channel.id,
        message: { text },
        audience: { tags: [tag] },
      });
      await campaignAction(sut, admin, campaign.id, 'schedule');
      await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'completed');
      const inbox = await sut.http
        .get('/api/v1/conversations')
        .query({ channelId: channel.id })
        .set(bearer(agent))
        .expect(200);
      return bodyOf<PageView<{ contact: { phone: string }; lastMessagePreview: string | null }>>(inbox).items;
    };

    // A thread the campaign opens, then one it finds already open.
    expect(await sendAndListInbox('Hi {{firstName}}, 20% off today')).toEqual([
      expect.objectContaining({
        contact: expect.objectContaining({ phone }),
        lastMessagePreview: 'Hi Ada, 20% off today',
      }),
    ]);
    expect(await sendAndListInbox('Last day, {{firstName}}')).toEqual([
      expect.objectContaining({ lastMessagePreview: 'Last day, Ada' }),
    ]);
  });

  it('counts an audience before a campaign is made of it, and names a reachable contact to preview with', async () => {
    const tag = uniqueTag('size');
    await seedContacts(sut, { count: 3, tag, optedOut: (i) => i === 1 });
    const sizeOf = (audience: unknown) =>
      sut.http.post('/api/v1/campaigns/audience-size').set(bearer(admin)).send({ audience });

    const sized = bodyOf<{ contacts: number; reachable: number; sampleContactId: string | null }>(
      await sizeOf({ tags: [tag] }).expect(200),
    );
    expect(sized).toMatchObject({ contacts: 3, reachable: 2 });
    const [sample] = await sut.dataSource.query<Array<{ opted_out_at: Date | null; tags: string[] }>>(
      'SELECT opted_out_at, tags FROM contacts WHERE id = $1',
      [sized.sampleContactId],
    );
    expect(sample).toEqual({ opted_out_at: null, tags: [tag] });

    expect(bodyOf(await sizeOf({ tags: [uniqueTag('none')] }).expect(200))).toEqual({
      contacts: 0,
      reachable: 0,
      sampleContactId: null,
    });
    expect(fieldsOf(await sizeOf({}).expect(400))).toEqual(['audience']);
    await sut.http
      .post('/api/v1/campaigns/audience-size')
      .set(bearer(agent))
      .send({ audience: { all: true } })
      .expect(403);
  });

  it('refuses to schedule a campaign whose audience matches nobody, saying so (422)', async () => {
    const channel = await smsChannel();
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'To nobody' },
      audience: { tags: [uniqueTag('nobody')] },
    });

    const response = await sut.http
      .post(`/api/v1/campaigns/${campaign.id}/schedule`)
      .set(bearer(admin))
      .send({})
      .expect(422);

    expect(bodyOf<{ message: string }>(response).message).toMatch(/audience matches no contacts/);
    expect(await getCampaign(sut, admin, campaign.id)).toMatchObject({ status: 'draft' });
  });

  it('waits for its scheduled time', async () => {
    const tag = uniqueTag('later');
    const phones = new Set(await seedContacts(sut, { count: 3, tag }));
    const channel = await smsChannel();
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Later' },
      audience: { tags: [tag] },
    });
    const at = new Date(Date.now() + 2_500);

    const scheduled = await campaignAction(sut, admin, campaign.id, 'schedule', {
      scheduledAt: at.toISOString(),
    });
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: at.toISOString() });

    const done = await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'completed');
    expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(at.getTime());
    expect(recipientsSentTo(fake, phones)).toHaveLength(3);
    expect(Math.min(...batchesFor(fake, phones).map((b) => Date.parse(b.created_at)))).toBeGreaterThanOrEqual(
      at.getTime(),
    );
  });

  it('pauses, resumes and then finishes, sending nobody twice', async () => {
    const tag = uniqueTag('pause');
    const phones = new Set(await seedContacts(sut, { count: 40, tag }));
    const channel = await smsChannel();
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Slowly' },
      audience: { tags: [tag] },
      ratePerSecond: 10,
    });

    await campaignAction(sut, admin, campaign.id, 'schedule');
    await waitForCampaign(sut, agent, campaign.id, (c) => c.stats.sent >= 10);
    const paused = await campaignAction(sut, admin, campaign.id, 'pause');
    expect(paused.status).toBe('paused');
    await dispatchMovedOn(sut, admin, channel.id, campaign.id);
    const whilePaused = recipientsSentTo(fake, phones).length;
    await dispatchMovedOn(sut, admin, channel.id, campaign.id);
    expect(recipientsSentTo(fake, phones).length).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(40);

    expect((await campaignAction(sut, admin, campaign.id, 'resume')).status).toBe('sending');
    const done = await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'completed');
    const sentTo = recipientsSentTo(fake, phones);
    expect(sentTo).toHaveLength(40);
    expect(new Set(sentTo).size).toBe(40);
    expect(done.stats.sent).toBe(40);
  });

  it('resumes a campaign paused before it started back to scheduled', async () => {
    const tag = uniqueTag();
    await seedContacts(sut, { count: 1, tag });
    const channel = await smsChannel();
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'x' },
      audience: { tags: [tag] },
    });
    await campaignAction(sut, admin, campaign.id, 'schedule', {
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await campaignAction(sut, admin, campaign.id, 'pause');

    expect((await campaignAction(sut, admin, campaign.id, 'resume')).status).toBe('scheduled');
  });

  it('cancels a sending campaign: the rest stays queued and is never sent', async () => {
    const tag = uniqueTag('cancel');
    const phones = new Set(await seedContacts(sut, { count: 40, tag }));
    const channel = await smsChannel();
    const campaign = await createCampaign(sut, admin, {
      channelId: channel.id,
      message: { text: 'Stop me' },
      audience: { tags: [tag] },
      ratePerSecond: 10,
    });

    await campaignAction(sut, admin, campaign.id, 'schedule');
    await waitForCampaign(sut, agent, campaign.id, (c) => c.stats.sent >= 10);
    expect((await campaignAction(sut, admin, campaign.id, 'cancel')).status).toBe('cancelled');
    await dispatchMovedOn(sut, admin, channel.id, campaign.id);
    const afterCancel = recipientsSentTo(fake, phones).length;
    await dispatchMovedOn(sut, admin, channel.id, campaign.id);

    const cancelled = await getCampaign(sut, agent, campaign.id);
    expect(recipientsSentTo(fake, phones)).toHaveLength(afterCancel);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.stats.queued).toBe(40 - afterCancel);
    expect(cancelled.stats.queued).toBeGreaterThan(0);
    expect(addsUp(cancelled.stats)).toBe(true);
  });

  describe('state conflicts and validation', () => {
    let channel: ChannelView;
    beforeAll(async () => {
      channel = await smsChannel();
    });
    const post = (body: Record<string, unknown>, user: TestUser = admin) =>
      sut.http
        .post('/api/v1/campaigns')
        .set(bearer(user))
        .send({ name: 'v', channelId: channel.id, ...body });

    it('answers 409 for scheduling a completed campaign, pausing a draft and resuming a campaign that is not paused', async () => {
      const tag = uniqueTag('conflict');
      await seedContacts(sut, { count: 1, tag });
      const draft = await createCampaign(sut, admin, {
        channelId: channel.id,
        message: { text: 'x' },
        audience: { tags: [tag] },
      });
      await sut.http.post(`/api/v1/campaigns/${draft.id}/pause`).set(bearer(admin)).expect(409);
      await sut.http.post(`/api/v1/campaigns/${draft.id}/resume`).set(bearer(admin)).expect(409);

      await campaignAction(sut, admin, draft.id, 'schedule');
      await waitForCampaign(sut, agent, draft.id, (c) => c.status === 'completed');
      const response = await sut.http
        .post(`/api/v1/campaigns/${draft.id}/schedule`)
        .set(bearer(admin))
        .send({})
        .expect(409);
      expect(response.body).toMatchObject({ statusCode: 409, message: expect.stringMatching(/completed/) });
      await sut.http.post(`/api/v1/campaigns/${draft.id}/cancel`).set(bearer(admin)).expect(409);
      await sut.http.post(`/api/v1/campaigns/${draft.id}/resume`).set(bearer(admin)).expect(409);
    });

    it('lets agents read campaigns but not create or steer them', async () => {
      const campaign = await createCampaign(sut, admin, {
        channelId: channel.id,
        message: { text: 'x' },
        audience: { all: true },
      });
      await post({ message: { text: 'x' }, audience: { all: true } }, agent).expect(403);
      await sut.http
        .post(`/api/v1/campaigns/${campaign.id}/schedule`)
        .set(bearer(agent))
        .send({})
        .expect(403);
      await sut.http.get(`/api/v1/campaigns/${campaign.id}`).set(bearer(agent)).expect(200);
      const list = await sut.http.get('/api/v1/campaigns?limit=5').set(bearer(agent)).expect(200);
      expect(list.body).toMatchObject({ items: expect.any(Array), nextCursor: expect.anything() });
      await sut.http.post(`/api/v1/campaigns/${campaign.id}/cancel`).set(bearer(admin)).expect(200);
    });

    it('validates the message, the audience and the rate', async () => {
      expect(fieldsOf(await post({ message: {}, audience: { all: true } }).expect(400))).toContain('message');
      expect(
        fieldsOf(
          await post({ message: { text: 'x', template: { id: 't' } }, audience: { all: true } }).expect(400),
        ),
      ).toContain('message');
      expect(
        fieldsOf(await post({ message: { text: 'x' }, audience: { all: true, tags: ['a'] } }).expect(400)),
      ).toContain('audience');
      expect(fieldsOf(await post({ message: { text: 'x' }, audience: {} }).expect(400))).toContain(
        'audience',
      );
      expect(
        fieldsOf(await post({ message: { text: 'x' }, audience: { contactIds: ['nope'] } }).expect(400)),
      ).toContain('audience.contactIds');
      const tooMany = Array.from({ length: 10_001 }, () => '3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44');
      await post({ message: { text: 'x' }, audience: { contactIds: tooMany } }).expect(400);
      expect(
        fieldsOf(
          await post({ message: { text: 'x' }, audience: { all: true }, ratePerSecond: 0 }).expect(400),
        ),
      ).toContain('ratePerSecond');
      await post({ message: { text: 'x' }, audience: { all: true }, ratePerSecond: 1_000_001 }).expect(400);
      expect(
        fieldsOf(await post({ message: { text: 'Hi {{nickname}}' }, audience: { all: true } }).expect(400)),
      ).toContain('message.text');
      // null is not "left out": it was a 500 for the text, and an audience of everyone for contactIds.
      expect(
        fieldsOf(await post({ message: { text: null }, audience: { all: true } }).expect(400)),
      ).toContain('message.text');
      expect(
        fieldsOf(await post({ message: { text: 'x' }, audience: { contactIds: null } }).expect(400)),
      ).toContain('audience.contactIds');
    });

    it('needs an existing, enabled channel, and a template on WhatsApp', async () => {
      await post({
        channelId: '3f0c1e9a-8a36-4f7e-9a3c-6f2d9b1c2e44',
        message: { text: 'x' },
        audience: { all: true },
      }).expect(404);
      const disabled = await smsChannel();
      await sut.http.delete(`/api/v1/channels/${disabled.id}`).set(bearer(admin)).expect(204);
      await post({ channelId: disabled.id, message: { text: 'x' }, audience: { all: true } }).expect(409);

      const conversation = await new FakeSinchConversationServer().start();
      try {
        const whatsapp = await createChannel(
          sut,
          admin,
          sinchConversationChannel(conversation, { channel: 'WHATSAPP' }),
        );
        await post({
          channelId: whatsapp.id,
          message: { text: 'Free text' },
          audience: { all: true },
        }).expect(422);
        await post({
          channelId: whatsapp.id,
          message: { template: { id: 'spring_sale', languageCode: 'en_US' } },
          audience: { all: true },
        }).expect(201);
      } finally {
        await conversation.stop();
      }
    });
  });

  describe('provider trouble', () => {
    let flaky: FakeSinchSmsServer;
    beforeEach(async () => {
      flaky = await new FakeSinchSmsServer().start();
    });
    afterEach(() => flaky.stop());

    it('retries after provider 500s and then sends everyone once', async () => {
      const tag = uniqueTag('flaky');
      const phones = new Set(await seedContacts(sut, { count: 5, tag }));
      const channel = await smsChannel(flaky);
      const campaign = await createCampaign(sut, admin, {
        channelId: channel.id,
        message: { text: 'Eventually' },
        audience: { tags: [tag] },
      });
      flaky.failWithStatus(5, 500);

      await campaignAction(sut, admin, campaign.id, 'schedule');
      const done = await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'completed');

      expect(flaky.requestsTo('POST', /batches$/).length).toBeGreaterThanOrEqual(6);
      expect(recipientsSentTo(flaky, phones).sort()).toEqual([...phones].sort());
      expect(done.stats).toMatchObject({ total: 5, sent: 5, failed: 0 });
      // One request carried all five, so each says how many times that request was made.
      const messages = await sut.http
        .get(`/api/v1/campaigns/${campaign.id}/messages`)
        .set(bearer(agent))
        .expect(200);
      const attempts = new Set(bodyOf<PageView<MessageView>>(messages).items.map((m) => m.attempts));
      expect(attempts.size).toBe(1);
      expect([...attempts][0]).toBeGreaterThanOrEqual(2);
    });

    it("honours a 429's Retry-After", async () => {
      const tag = uniqueTag('throttled');
      const phones = new Set(await seedContacts(sut, { count: 3, tag }));
      const channel = await smsChannel(flaky);
      const campaign = await createCampaign(sut, admin, {
        channelId: channel.id,
        message: { text: 'Patience' },
        audience: { tags: [tag] },
      });
      flaky.rateLimit(1, '2');

      await campaignAction(sut, admin, campaign.id, 'schedule');
      await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'completed');

      const [limited, accepted] = flaky.requestsTo('POST', /batches$/);
      expect(accepted.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(1_900);
      expect(recipientsSentTo(flaky, phones)).toHaveLength(3);
    });

    it('fails the campaign when the provider rejects the credentials', async () => {
      const tag = uniqueTag('badcreds');
      await seedContacts(sut, { count: 3, tag });
      const channel = await smsChannel(flaky, { apiToken: 'not-the-token' });
      const campaign = await createCampaign(sut, admin, {
        channelId: channel.id,
        message: { text: 'Nope' },
        audience: { tags: [tag] },
      });

      await campaignAction(sut, admin, campaign.id, 'schedule');
      const failed = await waitForCampaign(sut, agent, campaign.id, (c) => c.status === 'failed');

      expect(failed.failureReason).toMatch(/credentials/);
      expect(failed.stats).toMatchObject({ total: 3, queued: 0, failed: 3 });
      expect(flaky.batches).toHaveLength(0);
      const messages = await sut.http
        .get(`/api/v1/campaigns/${campaign.id}/messages?status=failed`)
        .set(bearer(agent))
        .expect(200);
      expect(bodyOf<PageView<MessageView>>(messages).items[0].statusReason).toMatch(/credentials/);
    });
  });
});
