import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import {
  addsUp,
  batchesFor,
  campaignAction,
  createCampaign,
  recipientsSentTo,
  seedContacts,
  seedContactWithoutPhone,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import { createChannel, sinchSmsChannel, startIsolatedMessagingApp } from './support/messaging.js';
import { createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';

// A chunk far smaller than the audience, so the audience is materialised over many transactions
// while the first chunks are already being sent.
const CHUNK = 300;

describe('Campaign audiences materialised in chunks', () => {
  let sut: TestApp;
  let admin: TestUser;
  const fake = new FakeSinchSmsServer();

  beforeAll(async () => {
    await fake.start();
    sut = await startIsolatedMessagingApp({
      CAMPAIGN_DISPATCH_INTERVAL_MS: '200',
      CAMPAIGN_MATERIALISE_CHUNK: String(CHUNK),
      LOG_LEVEL: process.env.CAMPAIGN_TEST_LOG_LEVEL ?? 'silent',
    });
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(async () => {
    await sut.close();
    await fake.stop();
  });

  it('sends every recipient exactly once and counts every skipped contact, across chunks', async () => {
    const tag = uniqueTag('chunks');
    const phones = await seedContacts(sut, { count: 2_000, tag, optedOut: (i) => i % 40 === 0, firstName: (i) => `Chunk${i}` });
    for (let i = 0; i < 3; i += 1) await seedContactWithoutPhone(sut, tag);
    const optedOut = new Set(phones.filter((_, i) => (i + 1) % 40 === 0));
    const reachable = new Set(phones.filter((phone) => !optedOut.has(phone)));
    const channel = await createChannel(sut, admin, sinchSmsChannel(fake));
    const campaign = await createCampaign(sut, admin, { channelId: channel.id, message: { text: 'Hi {{firstName}}' }, audience: { tags: [tag] } });

    await campaignAction(sut, admin, campaign.id, 'schedule');
    const seen: Array<{ total: number; progress: number }> = [];
    const done = await waitForCampaign(sut, admin, campaign.id, (c) => {
      seen.push({ total: c.stats.total, progress: c.progress });
      return c.status === 'completed';
    });

    // Progress only moves forward, and the audience's size is known from the first chunk on.
    const progress = seen.map((view) => view.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(seen.map((view) => view.total).filter((total) => total > 0))).toEqual(new Set([2_003]));

    const sentTo = recipientsSentTo(fake, new Set(phones));
    expect(sentTo).toHaveLength(reachable.size);
    expect(new Set(sentTo)).toEqual(reachable);
    expect(done.stats).toMatchObject({ total: 2_003, sent: reachable.size, queued: 0, skippedOptedOut: optedOut.size, skippedInvalid: 3 });
    expect(addsUp(done.stats)).toBe(true);
    const batches = batchesFor(fake, new Set(phones));
    expect(Math.max(...batches.map((batch) => batch.to.length))).toBeLessThanOrEqual(CHUNK);
    expect(new Set(batches.map((batch) => batch.client_reference)).size).toBe(batches.length);
  });
});
