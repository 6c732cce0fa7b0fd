import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { expect } from '@jest/globals';

import { SendBudget } from '../src/channels/send-budget.js';
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
/**
 * Sends are scheduled exactly at the limit (one request of at most 2 recipients may straddle a window
 * edge), but a busy two-core CI machine can delay a scheduled request by several hundred milliseconds
 * and bunch it with the next ones, as the provider's clock sees them. Both instances run in this
 * process, so how late their timers ran is measured (the event loop's longest delay during the send)
 * and allowed for: a request can leave that much after its reserved moment, not more.
 */
const WINDOW_ALLOWANCE = Math.ceil(LIMIT * 1.5);

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

    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
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

    loopDelay.disable();
    const timerLatenessMs = loopDelay.max / 1e6;

    // Every send was accepted: queued behind the limit rather than refused.
    expect(sends.every((send) => send.status === 'queued' || send.status === 'sent')).toBe(true);
    const sentTo = recipientsSentTo(fake, phones);
    expect(sentTo).toHaveLength(phones.size);
    expect(new Set(sentTo)).toEqual(phones);
    const batches = fake.batches
      .filter((batch) => batch.to.some((digits) => phones.has(`+${digits}`)))
      .map((batch) => ({ at: Date.parse(batch.created_at), recipients: batch.to.length }));
    // A stall of d ms lets the requests due during it leave together: d ms' worth more in one window.
    const stallAllowance = Math.ceil((LIMIT * timerLatenessMs) / 1000);
    expect(busiestSecond(batches)).toBeLessThanOrEqual(WINDOW_ALLOWANCE + stallAllowance);
    // On average, exactly the limit: all but the first request's recipients over the time they took
    // (a late first request shortens that span by its lateness). Twice the limit, as a budget per
    // instance would give, fails by far.
    const times = batches.map((batch) => batch.at).sort((x, y) => x - y);
    const perSecond = (phones.size - 2) / ((times.at(-1)! - times[0] + timerLatenessMs) / 1000);
    expect(perSecond).toBeLessThanOrEqual(LIMIT * 1.05);
    // 90 recipients at 25 a second take more than three seconds, whatever the burst.
    expect(Date.now() - startedAt).toBeGreaterThan(((phones.size - WINDOW_ALLOWANCE) / LIMIT) * 1000);
  });

  it('spaces reservations at the rate of every limit at once, and reserves nothing when asked only if free', async () => {
    const budget = first.app.get(SendBudget);
    const id = randomUUID();
    const channel = { key: `channel:${id}`, perSecond: 100 };
    const campaign = { key: `campaign:${id}`, perSecond: 50 };

    const nextFree = async (key: string) => {
      const [row] = await first.dataSource.query<Array<{ at: string }>>(
        `SELECT extract(epoch FROM next_free_at) * 1000 AS at FROM send_budgets WHERE key = $1`,
        [key],
      );
      return Number(row.at);
    };
    // 50 recipients take a second of the campaign's 50/s (the tighter limit) and half a second of the
    // channel's 100/s; the reservations are made well within a second of each other, so each starts
    // where the campaign's previous one ends, on the database's clock.
    const moments = [];
    for (let i = 0; i < 4; i += 1) {
      await budget.reserve([channel, campaign], 50);
      moments.push(await nextFree(campaign.key));
    }
    for (let i = 1; i < 4; i += 1) expect(moments[i] - moments[i - 1]).toBeCloseTo(1000, 0);
    expect(await nextFree(channel.key)).toBeCloseTo(moments[3] - 500, 0);
    // The channel is busy until its share of the last reservation ends: a single send that may only
    // go now is told to wait, and reserves nothing.
    const before = await nextFree(channel.key);
    expect(await budget.reserve([channel], 1, true)).toBeGreaterThan(0);
    expect(await nextFree(channel.key)).toBe(before);
  });
});
