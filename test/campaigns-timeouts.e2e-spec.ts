import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { campaignAction, createCampaign, recipientsSentTo, seedContacts, uniqueTag, waitForCampaign } from './support/campaigns.js';
import { createChannel, randomPhone, sendMessage, sinchSmsChannel, startIsolatedMessagingApp, waitForMessageStatus } from './support/messaging.js';
import { createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';

// Sinch takes the batch but answers after the app stopped waiting: the app must find out rather
// than send the text a second time.
const TIMEOUT_MS = 300;
const LATE_MS = 1_200;

describe('Sinch SMS requests that time out after Sinch took them', () => {
  let sut: TestApp;
  let admin: TestUser;
  const fake = new FakeSinchSmsServer();

  beforeAll(async () => {
    await fake.start();
    sut = await startIsolatedMessagingApp({
      CAMPAIGN_DISPATCH_INTERVAL_MS: '200',
      PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
      LOG_LEVEL: process.env.CAMPAIGN_TEST_LOG_LEVEL ?? 'silent',
    });
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(async () => {
    await sut.close();
    await fake.stop();
  });

  it('records a single send as sent, with the one batch Sinch holds', async () => {
    const channel = await createChannel(sut, admin, sinchSmsChannel(fake));
    const to = randomPhone();
    fake.respondLate(1, LATE_MS);

    const sent = await sendMessage(sut, admin, { channelId: channel.id, to, text: 'Only once' });
    await waitForMessageStatus(sut, admin, sent.id, 'sent');

    const batches = fake.batches.filter((batch) => batch.to.includes(to.slice(1)));
    expect(batches).toHaveLength(1);
    const [stored] = await sut.dataSource.query<Array<{ provider_batch_id: string }>>(`SELECT provider_batch_id FROM messages WHERE id = $1`, [sent.id]);
    expect(stored.provider_batch_id).toBe(batches[0].id);
  });

  it('sends every campaign recipient once when a batch request times out after Sinch took it', async () => {
    const tag = uniqueTag('late');
    const phones = new Set(await seedContacts(sut, { count: 1_500, tag }));
    const channel = await createChannel(sut, admin, sinchSmsChannel(fake));
    const campaign = await createCampaign(sut, admin, { channelId: channel.id, message: { text: 'Once' }, audience: { tags: [tag] } });
    fake.respondLate(1, LATE_MS);

    await campaignAction(sut, admin, campaign.id, 'schedule');
    const done = await waitForCampaign(sut, admin, campaign.id, (c) => c.status === 'completed');

    const sentTo = recipientsSentTo(fake, phones);
    expect(sentTo).toHaveLength(1_500);
    expect(new Set(sentTo)).toEqual(phones);
    expect(done.stats).toMatchObject({ total: 1_500, sent: 1_500, failed: 0, queued: 0 });
  });
});
