import {
  addsUp,
  batchesFor,
  campaignAction,
  campaignRig,
  createCampaign,
  recipientsSentTo,
  seedContacts,
  seedContactWithoutPhone,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import { createChannel, sinchSmsChannel } from './support/messaging.js';

// A chunk far smaller than the audience, so the audience is materialised over many transactions
// while the first chunks are already being sent.
const CHUNK = 300;

describe('Campaign audiences materialised in chunks', () => {
  const rig = campaignRig({ CAMPAIGN_MATERIALISE_CHUNK: String(CHUNK) });

  it('sends every recipient exactly once and counts every skipped contact, across chunks', async () => {
    const tag = uniqueTag('chunks');
    const phones = await seedContacts(rig.sut, {
      count: 2_000,
      tag,
      optedOut: (i) => i % 40 === 0,
      firstName: (i) => `Chunk${i}`,
    });
    for (let i = 0; i < 3; i += 1) await seedContactWithoutPhone(rig.sut, tag);
    const optedOut = new Set(phones.filter((_, i) => (i + 1) % 40 === 0));
    const reachable = new Set(phones.filter((phone) => !optedOut.has(phone)));
    const channel = await createChannel(rig.sut, rig.admin, sinchSmsChannel(rig.fake));
    const campaign = await createCampaign(rig.sut, rig.admin, {
      channelId: channel.id,
      message: { text: 'Hi {{firstName}}' },
      audience: { tags: [tag] },
    });

    await campaignAction(rig.sut, rig.admin, campaign.id, 'schedule');
    const seen: Array<{ total: number; progress: number }> = [];
    const done = await waitForCampaign(rig.sut, rig.admin, campaign.id, (c) => {
      seen.push({ total: c.stats.total, progress: c.progress });
      return c.status === 'completed';
    });

    // Progress only moves forward, and the audience's size is known from the first chunk on.
    const progress = seen.map((view) => view.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(seen.map((view) => view.total).filter((total) => total > 0))).toEqual(new Set([2_003]));

    const sentTo = recipientsSentTo(rig.fake, new Set(phones));
    expect(sentTo).toHaveLength(reachable.size);
    expect(new Set(sentTo)).toEqual(reachable);
    expect(done.stats).toMatchObject({
      total: 2_003,
      sent: reachable.size,
      queued: 0,
      skippedOptedOut: optedOut.size,
      skippedInvalid: 3,
    });
    expect(addsUp(done.stats)).toBe(true);
    const batches = batchesFor(rig.fake, new Set(phones));
    expect(Math.max(...batches.map((batch) => batch.to.length))).toBeLessThanOrEqual(CHUNK);
    expect(new Set(batches.map((batch) => batch.client_reference)).size).toBe(batches.length);
  });
});
