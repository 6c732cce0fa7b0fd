import { FakeSinchSmsServer } from '../fakes/fake-sinch-sms.server.js';
import { type CampaignView, statsAddUp, SwitchboardApi } from './support/campaign-api.js';
import { recipientOutcomes, seedAudience } from './support/campaign-database.js';
import { CampaignDeployment, DEPLOYMENT_ADMIN } from './support/campaign-deployment.js';
import { reconcileOutcomes } from './support/campaign-outcomes.js';
import { ProviderRecord } from './support/campaign-provider-record.js';

const RECIPIENTS = 100_000;
const TEXT = 'Spring sale: 20% off everything today. Reply STOP to opt out.';

describe('A campaign whose sending instance is killed', () => {
  // The provider lives in the test process: it outlives the app and remembers every batch.
  const fake = new FakeSinchSmsServer();
  const provider = new ProviderRecord(fake);
  let deployment: CampaignDeployment;

  beforeAll(async () => {
    await fake.start();
    // A short lease, so the units the dead instance held are reconciled soon after the restart;
    // still far longer than a request to the local fake takes.
    deployment = await CampaignDeployment.create({
      dispatchIntervalMs: 200,
      env: { CAMPAIGN_LEASE_SECONDS: '10' },
    });
  });
  afterAll(async () => {
    await deployment?.destroy();
    await fake.stop();
  });

  it('completes after a restart on the same database, nobody gets the text twice and every recipient is accounted for', async () => {
    const first = await deployment.startInstance();
    const api = await SwitchboardApi.login(first.url, DEPLOYMENT_ADMIN);
    const phones = await seedAudience(deployment.databaseUrl, { tag: 'crash', count: RECIPIENTS });
    const channelId = await api.createSinchSmsChannel(fake);
    const campaign = await api.createCampaign({ name: 'Crash test', channelId, text: TEXT, tag: 'crash' });
    await api.schedule(campaign.id);

    // Progress over the whole audience: `progress` itself is relative to the part materialised so far.
    const settled = (c: CampaignView) => (c.stats.sent + c.stats.failed) / RECIPIENTS;
    const beforeCrash = await api
      .waitForCampaign(
        campaign.id,
        120_000,
        (c) => settled(c) >= 0.2 || !['scheduled', 'sending'].includes(c.status),
      )
      .catch(deployment.explain);
    await deployment.crash(first);
    const receivedBeforeCrash = provider.receivedCounts().size;
    // The crash must really interrupt the campaign, or this test proves nothing.
    expect(beforeCrash.status).toBe('sending');
    expect(receivedBeforeCrash).toBeLessThan(RECIPIENTS);

    const second = await deployment.startInstance();
    // Units the dead instance had claimed stay leased until their lease runs out (CAMPAIGN_LEASE_SECONDS).
    const done = await api.on(second.url).waitForCampaign(campaign.id, 240_000).catch(deployment.explain);
    process.stdout.write(
      `campaign-crash: killed with ${(settled(beforeCrash) * 100).toFixed(0)}% of the audience settled (${receivedBeforeCrash} received by the provider); ` +
        `final stats ${JSON.stringify(done.stats)}\n`,
    );

    expect(done.status).toBe('completed');
    expect(provider.receivedMoreThanOnce()).toEqual({ count: 0, examples: [] });
    const outcomes = await recipientOutcomes(deployment.databaseUrl, campaign.id);
    const reconciled = reconcileOutcomes(phones, outcomes, provider.receivedCounts());
    expect(reconciled.problems).toEqual([]);
    expect(reconciled.sent + reconciled.failed).toBe(RECIPIENTS);
    expect(done.stats).toMatchObject({
      total: RECIPIENTS,
      queued: 0,
      sent: reconciled.sent,
      failed: reconciled.failed,
    });
    expect(statsAddUp(done.stats)).toBe(true);
    expect(done.progress).toBe(1);
  }, 400_000);
});
