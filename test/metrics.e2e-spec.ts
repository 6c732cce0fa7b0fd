import { CampaignRecoveryService } from '../src/campaigns/campaign-recovery.service.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import {
  campaignAction,
  createCampaign,
  seedContacts,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import {
  type ChannelView,
  createChannel,
  randomPhone,
  sandboxChannel,
  sendMessage,
  sinchSmsChannel,
  startIsolatedMessagingApp,
  waitForMessageStatus,
} from './support/messaging.js';
import { createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

/** The value of one Prometheus sample, or undefined when the series is absent. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [series, value] = line.split(/\s+(?=[^\s]+$)/);
    const present = Object.entries(labels).every(([key, expected]) =>
      series.includes(`${key}="${expected}"`),
    );
    if (present) return Number(value);
  }
  return undefined;
}

describe('Send metrics on /metrics', () => {
  let sut: TestApp;
  let admin: TestUser;
  let sandbox: ChannelView;
  const sinchSms = new FakeSinchSmsServer();

  beforeAll(async () => {
    await sinchSms.start();
    sut = await startIsolatedMessagingApp({ CAMPAIGN_DISPATCH_INTERVAL_MS: '200' });
    admin = await createUserAndLogin(sut, 'admin');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 60_000 }));
  });
  afterAll(async () => {
    await sut.close();
    await sinchSms.stop();
  });

  const metrics = async () => (await sut.http.get('/metrics').expect(200)).text;

  it('counts single sends by channel and outcome and times each provider request', async () => {
    const sent = await sendMessage(sut, admin, { channelId: sandbox.id, to: randomPhone(), text: 'Counted' });
    await waitForMessageStatus(sut, admin, sent.id, 'sent');

    const sinch = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
    sinchSms.failWithStatus(1, 400, { code: 'syntax_invalid_parameter_format', text: 'Invalid number' });
    const refused = await sendMessage(sut, admin, {
      channelId: sinch.id,
      to: randomPhone(),
      text: 'Refused',
    });
    await waitForMessageStatus(sut, admin, refused.id, 'rejected');

    const text = await metrics();
    expect(
      sample(text, 'switchboard_messages_sent_total', {
        channel_id: sandbox.id,
        source: 'single',
        outcome: 'sent',
      }),
    ).toBe(1);
    expect(
      sample(text, 'switchboard_messages_sent_total', {
        channel_id: sinch.id,
        source: 'single',
        outcome: 'rejected',
      }),
    ).toBe(1);
    expect(
      sample(text, 'switchboard_messages_sent_total', {
        channel_id: sinch.id,
        source: 'single',
        outcome: 'sent',
      }),
    ).toBeUndefined();
    expect(
      sample(text, 'switchboard_dispatch_latency_seconds_count', { provider: 'sandbox', source: 'single' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'switchboard_dispatch_latency_seconds_count', { provider: 'sinch-sms', source: 'single' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts campaign sends per recipient, apart from single sends', async () => {
    const tag = uniqueTag('metrics');
    await seedContacts(sut, { count: 3, tag });
    const campaign = await createCampaign(sut, admin, {
      channelId: sandbox.id,
      message: { text: 'Counted campaign' },
      audience: { tags: [tag] },
    });
    await campaignAction(sut, admin, campaign.id, 'schedule');
    await waitForCampaign(sut, admin, campaign.id, (c) => c.status === 'completed');

    const text = await metrics();
    expect(
      sample(text, 'switchboard_messages_sent_total', {
        channel_id: sandbox.id,
        source: 'campaign',
        outcome: 'sent',
      }),
    ).toBe(3);
    expect(
      sample(text, 'switchboard_dispatch_latency_seconds_count', { provider: 'sandbox', source: 'campaign' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts a failed background job pass by job, and the job carries on', async () => {
    const jobFailures = async () =>
      sample(await metrics(), 'switchboard_job_failures_total', { job: 'CampaignDispatcher' }) ?? 0;
    const before = await jobFailures();
    const recovery = sut.app.get(CampaignRecoveryService);
    const failing = jest
      .spyOn(recovery, 'recoverExpired')
      .mockRejectedValueOnce(new Error('database unreachable'));
    try {
      await waitFor(jobFailures, (count) => count === before + 1, {
        description: 'the failed dispatcher pass to be counted',
      });
      await waitFor(
        () => failing.mock.calls.length,
        (calls) => calls >= 2,
        { description: 'the next dispatcher pass' },
      );
    } finally {
      failing.mockRestore();
    }
    expect(await jobFailures()).toBe(before + 1);
  });
});
