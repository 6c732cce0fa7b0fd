import { FakeSinchSmsServer } from '../fakes/fake-sinch-sms.server.js';
import type { AppProcess } from '../support/app-process.js';
import { statsAddUp, SwitchboardApi } from './support/campaign-api.js';
import { recipientOutcomes, seedAudience } from './support/campaign-database.js';
import { CampaignDeployment, DEPLOYMENT_ADMIN } from './support/campaign-deployment.js';
import { reconcileOutcomes } from './support/campaign-outcomes.js';
import { ProviderRecord } from './support/campaign-provider-record.js';

const PER_CAMPAIGN = 20_000;

/**
 * Campaign recipients this instance handed to the channel's provider with the outcome `sent`, from
 * its public GET /metrics ("messages sent/failed by channel and provider"). Each process counts
 * only its own sends.
 */
function campaignMessagesSent(metrics: string, channelId: string): number {
  return metrics
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('switchboard_messages_sent_total{') &&
        line.includes(`channel_id="${channelId}"`) &&
        line.includes('source="campaign"') &&
        line.includes('outcome="sent"'),
    )
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('Two app instances dispatching on one database', () => {
  // One fake provider per campaign, so each one's record is that campaign's alone.
  const fakes = [new FakeSinchSmsServer(), new FakeSinchSmsServer()];
  let deployment: CampaignDeployment;
  let instances: AppProcess[];

  beforeAll(async () => {
    await Promise.all(fakes.map((fake) => fake.start()));
    deployment = await CampaignDeployment.create({ dispatchIntervalMs: 100 });
    // Started together: they also race for the migrations and the first admin.
    instances = await Promise.all([deployment.startInstance(), deployment.startInstance()]);
  });
  afterAll(async () => {
    await deployment?.destroy();
    await Promise.all(fakes.map((fake) => fake.stop()));
  });

  it('send every recipient of two concurrent campaigns exactly once, complete both and both take part', async () => {
    const [viaOne, viaTwo] = await SwitchboardApi.login(instances[0].url, DEPLOYMENT_ADMIN).then((api) => [
      api,
      api.on(instances[1].url),
    ]);
    // As fast as the provider takes it, and a high rate (smaller requests, so many more claims to race for).
    const setups = [
      { tag: 'twins-unlimited', fake: fakes[0], ratePerSecond: undefined, firstNumber: 1 },
      { tag: 'twins-rated', fake: fakes[1], ratePerSecond: 2_500, firstNumber: PER_CAMPAIGN + 1 },
    ];
    const campaigns = [];
    for (const setup of setups) {
      const phones = await seedAudience(deployment.databaseUrl, {
        tag: setup.tag,
        count: PER_CAMPAIGN,
        firstNumber: setup.firstNumber,
      });
      const channelId = await viaOne.createSinchSmsChannel(setup.fake);
      const campaign = await viaOne.createCampaign({
        name: setup.tag,
        channelId,
        text: `Once and only once (${setup.tag}).`,
        tag: setup.tag,
        ratePerSecond: setup.ratePerSecond,
      });
      campaigns.push({ ...setup, phones, channelId, id: campaign.id });
    }

    await Promise.all([viaTwo.schedule(campaigns[0].id), viaOne.schedule(campaigns[1].id)]);
    const finished = await Promise.all(
      campaigns.map((campaign) => viaOne.waitForCampaign(campaign.id, 120_000).catch(deployment.explain)),
    );
    const metrics = await Promise.all([viaOne.metrics(), viaTwo.metrics()]);

    const sentByInstance = [0, 0];
    for (const [i, campaign] of campaigns.entries()) {
      const done = finished[i];
      const provider = new ProviderRecord(campaign.fake);
      const perInstance = metrics.map((text) => campaignMessagesSent(text, campaign.channelId));
      perInstance.forEach((sent, instance) => (sentByInstance[instance] += sent));
      process.stdout.write(
        `campaign-instances: ${campaign.tag}: sent ${perInstance.join(' + ')} by the two instances in ${campaign.fake.batches.length} batches\n`,
      );

      expect(done.status).toBe('completed');
      expect(provider.receivedMoreThanOnce()).toEqual({ count: 0, examples: [] });
      const reconciled = reconcileOutcomes(
        campaign.phones,
        await recipientOutcomes(deployment.databaseUrl, campaign.id),
        provider.receivedCounts(),
      );
      expect(reconciled).toEqual({ sent: PER_CAMPAIGN, failed: 0, problems: [] });
      expect(done.stats).toEqual({
        total: PER_CAMPAIGN,
        queued: 0,
        sent: PER_CAMPAIGN,
        delivered: 0,
        read: 0,
        failed: 0,
        skippedOptedOut: 0,
        skippedInvalid: 0,
        held: 0,
        skippedFrequencyCap: 0,
      });
      expect(statsAddUp(done.stats)).toBe(true);
      // Between them, the instances counted exactly the campaign's recipients as sent.
      expect(perInstance[0] + perInstance[1]).toBe(PER_CAMPAIGN);
    }
    // Each process handed recipients to the provider itself: the work was shared, not just safe.
    expect(sentByInstance[0]).toBeGreaterThan(0);
    expect(sentByInstance[1]).toBeGreaterThan(0);
  }, 240_000);
});
