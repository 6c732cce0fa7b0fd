import { Logger } from '@nestjs/common';

import { ProviderCredentialsError, ProviderTransientError } from '../channels/providers/provider-errors.js';
import type { MaterialisedChunk } from './campaign-audience.service.js';
import { type CampaignWorld, campaignWorld, dispatcherIn } from './testing/campaign-sut.js';

describe('CampaignDispatcher', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  let world: CampaignWorld;

  beforeEach(() => {
    world = campaignWorld();
  });

  it('starts a due campaign, sends every unit once and completes it', async () => {
    const campaign = world.tables.addCampaign({ status: 'scheduled' });
    const units = [
      world.tables.addUnit(campaign.id, ['+15550000001', '+15550000002']),
      world.tables.addUnit(campaign.id, ['+15550000003']),
    ];

    await dispatcherIn(world).tick();

    expect(campaign.status).toBe('completed');
    expect(units.flatMap((unit) => world.tables.statusesOf(unit))).toEqual(['sent', 'sent', 'sent']);
    expect(world.provider.requests.map((r) => r.clientReference).sort()).toEqual(
      units.map((u) => u.reference).sort(),
    );
  });

  it('fails the campaign and its unsent recipients when its channel was disabled', async () => {
    const campaign = world.tables.addCampaign({ channelId: 'channel-off' });
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);
    world.channels.disabled.add('channel-off');

    await dispatcherIn(world).tick();

    expect(campaign).toMatchObject({
      status: 'failed',
      failureReason: 'The channel cannot send: Channel channel-off is disabled',
    });
    expect(world.tables.statusesOf(unit)).toEqual(['failed']);
    expect(world.provider.requests).toEqual([]);
  });

  it("fails the campaign when the provider refuses the channel's credentials", async () => {
    const campaign = world.tables.addCampaign();
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);
    world.provider.answer(() => Promise.reject(new ProviderCredentialsError('unauthorised', 401)));

    await dispatcherIn(world).tick();

    expect(campaign).toMatchObject({
      status: 'failed',
      failureReason: "The provider rejected the channel's credentials (HTTP 401)",
    });
    expect(world.tables.statusesOf(unit)).toEqual(['failed']);
  });

  it('keeps a campaign sending while a unit waits for its retry', async () => {
    const campaign = world.tables.addCampaign();
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);
    world.provider.answer(() => Promise.reject(new ProviderTransientError('HTTP 503', 60_000, 503)));

    await dispatcherIn(world).tick();

    expect(campaign.status).toBe('sending');
    expect(world.tables.statusesOf(unit)).toEqual(['queued']);
    expect(world.provider.requests).toHaveLength(1);
  });

  it('sends the units already materialised while the next audience chunk is still being written', async () => {
    const campaign = world.tables.addCampaign({ materialised: false });
    const unit = world.tables.addUnit(campaign.id, ['+15550000001']);
    let requestsWhileWriting: number | undefined;
    const slowAudience = {
      // A chunk of a large audience takes seconds to write; it ends here once the sending is seen.
      materialiseChunk: async () => {
        const until = Date.now() + 2_000;
        while (world.provider.requests.length === 0 && Date.now() < until)
          await new Promise((resolve) => setTimeout(resolve, 5));
        requestsWhileWriting = world.provider.requests.length;
        return { done: true } as MaterialisedChunk;
      },
    };

    await dispatcherIn(world, slowAudience).tick();

    expect(requestsWhileWriting).toBe(1);
    expect(world.tables.statusesOf(unit)).toEqual(['sent']);
  });

  it('does not complete a campaign whose audience is still being materialised', async () => {
    const campaign = world.tables.addCampaign({ materialised: false });
    world.tables.addUnit(campaign.id, ['+15550000001']);

    await dispatcherIn(world).tick();

    expect(campaign.status).toBe('sending');
  });

  it("still sends the other campaigns when one campaign's dispatch fails", async () => {
    const broken = world.tables.addCampaign({ channelId: 'channel-broken' });
    const healthy = world.tables.addCampaign();
    const brokenUnit = world.tables.addUnit(broken.id, ['+15550000001']);
    const healthyUnit = world.tables.addUnit(healthy.id, ['+15550000002']);
    world.channels.broken.add('channel-broken');

    await dispatcherIn(world).tick();

    expect(broken.status).toBe('sending');
    expect(world.tables.statusesOf(brokenUnit)).toEqual(['queued']);
    expect(healthy.status).toBe('completed');
    expect(world.tables.statusesOf(healthyUnit)).toEqual(['sent']);
  });

  it('settles units a crashed sender left behind before it sends', async () => {
    const campaign = world.tables.addCampaign();
    const crashed = world.tables.addUnit(campaign.id, ['+15550000001'], {
      attempts: 1,
      leasedUntil: world.tables.now - 1,
    });

    await dispatcherIn(world).tick();

    // The fake provider cannot be asked what it received: the unit is interrupted, never sent twice.
    expect(world.tables.statusesOf(crashed)).toEqual(['failed']);
    expect(world.provider.requests).toEqual([]);
    expect(campaign.status).toBe('completed');
  });
});
