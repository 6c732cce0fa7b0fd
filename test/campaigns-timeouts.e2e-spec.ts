import {
  campaignAction,
  campaignRig,
  createCampaign,
  recipientsSentTo,
  seedContacts,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import {
  createChannel,
  randomPhone,
  sendMessage,
  sinchSmsChannel,
  waitForMessageStatus,
} from './support/messaging.js';

// Sinch takes the batch but answers after the app stopped waiting: the app must find out rather
// than send the text a second time.
const TIMEOUT_MS = 300;
const LATE_MS = 1_200;

describe('Sinch SMS requests that time out after Sinch took them', () => {
  const rig = campaignRig({ PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS) });

  it('records a single send as sent, with the one batch Sinch holds', async () => {
    const channel = await createChannel(rig.sut, rig.admin, sinchSmsChannel(rig.fake));
    const to = randomPhone();
    rig.fake.respondLate(1, LATE_MS);

    const sent = await sendMessage(rig.sut, rig.admin, { channelId: channel.id, to, text: 'Only once' });
    await waitForMessageStatus(rig.sut, rig.admin, sent.id, 'sent');

    const batches = rig.fake.batches.filter((batch) => batch.to.includes(to.slice(1)));
    expect(batches).toHaveLength(1);
    const [stored] = await rig.sut.dataSource.query<Array<{ provider_batch_id: string }>>(
      `SELECT provider_batch_id FROM messages WHERE id = $1`,
      [sent.id],
    );
    expect(stored.provider_batch_id).toBe(batches[0].id);
  });

  it('sends every campaign recipient once when a batch request times out after Sinch took it', async () => {
    const tag = uniqueTag('late');
    const phones = new Set(await seedContacts(rig.sut, { count: 1_500, tag }));
    const channel = await createChannel(rig.sut, rig.admin, sinchSmsChannel(rig.fake));
    const campaign = await createCampaign(rig.sut, rig.admin, {
      channelId: channel.id,
      message: { text: 'Once' },
      audience: { tags: [tag] },
    });
    rig.fake.respondLate(1, LATE_MS);

    await campaignAction(rig.sut, rig.admin, campaign.id, 'schedule');
    const done = await waitForCampaign(rig.sut, rig.admin, campaign.id, (c) => c.status === 'completed');

    const sentTo = recipientsSentTo(rig.fake, phones);
    expect(sentTo).toHaveLength(1_500);
    expect(new Set(sentTo)).toEqual(phones);
    expect(done.stats).toMatchObject({ total: 1_500, sent: 1_500, failed: 0, queued: 0 });
  });
});
