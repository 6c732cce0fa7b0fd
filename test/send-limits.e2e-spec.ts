import { expect } from '@jest/globals';

import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import {
  campaignAction,
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
  startMessagingApp,
} from './support/messaging.js';
import { createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

// One JWT secret, so a token from one instance is valid on the other.
const SHARED = {
  CAMPAIGN_DISPATCH_INTERVAL_MS: '200',
  JWT_SECRET: 'send-limits-e2e-jwt-secret-0123456789abcdef0',
};
const LIMIT = 25;
/** The budget holds a twentieth of a second (2 tokens at 25/s); the rest is timing between processes. */
const WINDOW_ALLOWANCE = Math.ceil(LIMIT * 1.2);

/** The most recipients the fake received in any one-second window. */
function busiestSecond(batches: Array<{ at: number; recipients: number }>): number {
  const sorted = [...batches].sort((a, b) => a.at - b.at);
  let most = 0;
  for (const [i, start] of sorted.entries()) {
    let sum = 0;
    for (const batch of sorted.slice(i)) {
      if (batch.at - start.at >= 1000) break;
      sum += batch.recipients;
    }
    most = Math.max(most, sum);
  }
  return most;
}

describe('A channel send limit shared by campaigns, single sends and instances', () => {
  let first: TestApp;
  let second: TestApp;
  let admin: TestUser;
  const fake = new FakeSinchSmsServer();

  beforeAll(async () => {
    await fake.start();
    [first, second] = await Promise.all([startMessagingApp(SHARED), startMessagingApp(SHARED)]);
    admin = await createUserAndLogin(first, 'admin');
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await fake.stop();
  });

  it(`keeps two campaigns and single sends on two instances within ${LIMIT} recipients a second, each sent once`, async () => {
    const channel = await createChannel(first, admin, sinchSmsChannel(fake, { maxPerSecond: LIMIT }));
    expect((channel.config as { maxPerSecond?: number }).maxPerSecond).toBe(LIMIT);
    const tags = [uniqueTag('limit-a'), uniqueTag('limit-b')];
    const audiences = await Promise.all(tags.map((tag) => seedContacts(first, { count: 40, tag })));
    const campaigns = await Promise.all(
      tags.map((tag, i) =>
        createCampaign(i === 0 ? first : second, admin, {
          channelId: channel.id,
          message: { text: `Limited ${i}` },
          audience: { tags: [tag] },
        }),
      ),
    );
    const singles = Array.from({ length: 10 }, () => randomPhone());
    const phones = new Set([...audiences.flat(), ...singles]);

    const startedAt = Date.now();
    await campaignAction(first, admin, campaigns[0].id, 'schedule');
    await campaignAction(second, admin, campaigns[1].id, 'schedule');
    const sends = await Promise.all(
      singles.map((to, i) =>
        sendMessage(i % 2 ? first : second, admin, { channelId: channel.id, to, text: 'Single' }),
      ),
    );
    await Promise.all(
      campaigns.map((campaign) =>
        waitForCampaign(first, admin, campaign.id, (c) => c.status === 'completed'),
      ),
    );
    await waitFor(
      () => recipientsSentTo(fake, phones).length,
      (count) => count >= phones.size,
      { description: 'every recipient to reach the provider', timeoutMs: 30_000 },
    );

    // Every send was accepted: queued behind the limit rather than refused.
    expect(sends.every((send) => send.status === 'queued' || send.status === 'sent')).toBe(true);
    const sentTo = recipientsSentTo(fake, phones);
    expect(sentTo).toHaveLength(phones.size);
    expect(new Set(sentTo)).toEqual(phones);
    const batches = fake.batches
      .filter((batch) => batch.to.some((digits) => phones.has(`+${digits}`)))
      .map((batch) => ({ at: Date.parse(batch.created_at), recipients: batch.to.length }));
    expect(busiestSecond(batches)).toBeLessThanOrEqual(WINDOW_ALLOWANCE);
    // 90 recipients at 25 a second take more than three seconds, whatever the burst.
    expect(Date.now() - startedAt).toBeGreaterThan(((phones.size - WINDOW_ALLOWANCE) / LIMIT) * 1000);
  });
});
