import { FakeSinchSmsServer } from '../fakes/fake-sinch-sms.server.js';
import { statsAddUp, SwitchboardApi } from './support/campaign-api.js';
import { recipientOutcomes, seedAudience } from './support/campaign-database.js';
import { CampaignDeployment, DEPLOYMENT_ADMIN } from './support/campaign-deployment.js';
import { BatchFaultPlan } from './support/campaign-fault-plan.js';
import { reconcileOutcomes } from './support/campaign-outcomes.js';
import { ProviderRecord, recipientsOf } from './support/campaign-provider-record.js';

const RECIPIENTS = 20_000;
const RETRY_AFTER_SECONDS = 1;
/** Each attempt of a provider request gives up after this long (PROVIDER_TIMEOUT_MS). */
const PROVIDER_TIMEOUT_MS = 2_000;
/** Past that timeout, and past the 10 s default too, so a late answer is late whatever the setting. */
const PAST_PROVIDER_TIMEOUT_MS = 12_000;

describe('Campaigns through a misbehaving provider', () => {
  let deployment: CampaignDeployment;
  let api: SwitchboardApi;
  const fakes: FakeSinchSmsServer[] = [];

  async function startFake(): Promise<FakeSinchSmsServer> {
    const fake = await new FakeSinchSmsServer().start();
    fakes.push(fake);
    return fake;
  }

  beforeAll(async () => {
    deployment = await CampaignDeployment.create({
      dispatchIntervalMs: 200,
      env: { PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) },
    });
    const app = await deployment.startInstance();
    api = await SwitchboardApi.login(app.url, DEPLOYMENT_ADMIN);
  });
  afterAll(async () => {
    await deployment?.destroy();
    await Promise.all(fakes.map((fake) => fake.stop()));
  });

  it('complete despite 500s, lost requests and 429 bursts: nobody texted twice, only recipients whose retries ran out fail', async () => {
    const fake = await startFake();
    const provider = new ProviderRecord(fake);
    const phones = await seedAudience(deployment.databaseUrl, {
      tag: 'faults',
      count: RECIPIENTS,
      firstNumber: 1,
    });
    const alwaysRefused = new Set([phones[123], phones[RECIPIENTS - 321]]);
    const plan = new BatchFaultPlan({
      seed: 1,
      serverErrorShare: 0.2,
      hangShare: 0.05,
      rateLimitBurst: { share: 0.04, length: 4, retryAfterSeconds: RETRY_AFTER_SECONDS },
      alwaysRefused,
    });
    fake.setFaultPolicy(plan.policy);
    const channelId = await api.createSinchSmsChannel(fake);
    const campaign = await api.createCampaign({
      name: 'Bad provider day',
      channelId,
      text: 'Sale ends tonight.',
      tag: 'faults',
    });

    await api.schedule(campaign.id);
    const done = await api.waitForCampaign(campaign.id, 150_000).catch(deployment.explain);
    const requests = provider.batchRequests();
    process.stdout.write(
      `provider-faults: ${requests.length} batch requests, ${plan.answeredWith(500).length} answered 500, ${plan.hung().length} lost, ` +
        `${plan.answeredWith(429).length} answered 429; final stats ${JSON.stringify(done.stats)}\n`,
    );

    // Every kind of fault really happened (the seed fixes the sequence).
    expect(plan.hung().length).toBeGreaterThan(0);
    expect(plan.answeredWith(429).length).toBeGreaterThan(0);
    expect(
      plan
        .answeredWith(500)
        .filter((request) => !recipientsOf(request).some((phone) => alwaysRefused.has(phone))).length,
    ).toBeGreaterThan(0);

    expect(done.status).toBe('completed');
    expect(provider.receivedMoreThanOnce()).toEqual({ count: 0, examples: [] });
    const outcomes = await recipientOutcomes(deployment.databaseUrl, campaign.id);
    const reconciled = reconcileOutcomes(phones, outcomes, provider.receivedCounts());
    expect(reconciled.problems).toEqual([]);
    expect(done.stats).toMatchObject({
      total: RECIPIENTS,
      queued: 0,
      sent: reconciled.sent,
      failed: reconciled.failed,
    });
    expect(statsAddUp(done.stats)).toBe(true);

    // The failed are exactly recipients the provider kept refusing: those that travelled with an
    // always-refused one, refused on every try, and tried more than once.
    const failed = outcomes.filter((o) => o.status === 'failed').map((o) => o.recipient);
    const travelledWithRefused = new Set(
      requests.filter((r) => recipientsOf(r).some((phone) => alwaysRefused.has(phone))).flatMap(recipientsOf),
    );
    for (const phone of alwaysRefused) expect(failed).toContain(phone);
    expect(failed.filter((phone) => !travelledWithRefused.has(phone))).toEqual([]);
    const tries = new Map<string, number>();
    for (const request of requests)
      for (const phone of recipientsOf(request)) tries.set(phone, (tries.get(phone) ?? 0) + 1);
    expect(failed.filter((phone) => (tries.get(phone) ?? 0) < 2)).toEqual([]);

    // After a 429 the same recipients come back no sooner than Retry-After says.
    for (const limited of plan.answeredWith(429)) {
      const [first] = recipientsOf(limited);
      const next = requests.find((r) => r.receivedAt > limited.receivedAt && recipientsOf(r).includes(first));
      if (next)
        expect(next.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 20);
    }
  }, 180_000);

  it('do not text anyone twice when the provider accepted a batch but answered after the app gave up on it', async () => {
    const fake = await startFake();
    const provider = new ProviderRecord(fake);
    const phones = await seedAudience(deployment.databaseUrl, {
      tag: 'late-answer',
      count: 300,
      firstNumber: RECIPIENTS + 1,
    });
    // Sinch creates the batch at once, but its answer is lost in the network until the app has timed out.
    fake.respondLate(1, PAST_PROVIDER_TIMEOUT_MS);
    const channelId = await api.createSinchSmsChannel(fake);
    const campaign = await api.createCampaign({
      name: 'Late answer',
      channelId,
      text: 'Only one of these, please.',
      tag: 'late-answer',
    });

    await api.schedule(campaign.id);
    const done = await api.waitForCampaign(campaign.id, 90_000).catch(deployment.explain);
    const references = new Set(fake.batches.map((batch) => batch.client_reference)).size;
    process.stdout.write(
      `provider-faults (late answer): ${provider.batchRequests().length} batch requests, ${fake.batches.length} batches accepted under ${references} client reference(s)\n`,
    );

    expect(done.status).toBe('completed');
    expect(provider.receivedMoreThanOnce()).toEqual({ count: 0, examples: [] });
    const reconciled = reconcileOutcomes(
      phones,
      await recipientOutcomes(deployment.databaseUrl, campaign.id),
      provider.receivedCounts(),
    );
    expect(reconciled).toEqual({ sent: 300, failed: 0, problems: [] });
    expect(done.stats).toMatchObject({ total: 300, queued: 0, sent: 300, failed: 0 });
  }, 120_000);
});
