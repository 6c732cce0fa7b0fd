import { randomUUID } from 'node:crypto';

import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import {
  batchesFor,
  campaignAction,
  createCampaign,
  recipientsSentTo,
  seedContacts,
  uniqueTag,
  waitForCampaign,
} from './support/campaigns.js';
import { createChannel, sandboxChannel, sinchSmsChannel, startMessagingApp } from './support/messaging.js';
import { createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

// One JWT secret, so a token from one instance is valid on the other.
const DISPATCH = {
  CAMPAIGN_DISPATCH_INTERVAL_MS: '200',
  LOG_LEVEL: process.env.CAMPAIGN_TEST_LOG_LEVEL ?? 'silent',
  JWT_SECRET: 'campaign-instances-e2e-jwt-secret-0123456789abcdef',
};

describe('Campaign dispatch across app instances', () => {
  let first: TestApp;
  let second: TestApp;
  let admin: TestUser;
  const fake = new FakeSinchSmsServer();

  beforeAll(async () => {
    await fake.start();
    first = await startMessagingApp(DISPATCH);
    second = await startMessagingApp(DISPATCH);
    admin = await createUserAndLogin(first, 'admin');
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await fake.stop();
  });

  it('two app instances on one database send each recipient of a campaign exactly once', async () => {
    const tag = uniqueTag('twins');
    const phones = new Set(await seedContacts(first, { count: 3000, tag }));
    const channel = await createChannel(first, admin, sinchSmsChannel(fake));
    const campaign = await createCampaign(first, admin, {
      channelId: channel.id,
      message: { text: 'Once only' },
      audience: { tags: [tag] },
    });

    await campaignAction(first, admin, campaign.id, 'schedule');
    const done = await waitForCampaign(second, admin, campaign.id, (c) => c.status === 'completed');

    const sentTo = recipientsSentTo(fake, phones);
    expect(sentTo).toHaveLength(3000);
    expect(new Set(sentTo)).toEqual(phones);
    expect(new Set(batchesFor(fake, phones).map((b) => b.client_reference)).size).toBe(
      batchesFor(fake, phones).length,
    );
    expect(done.stats).toMatchObject({ total: 3000, sent: 3000, queued: 0 });
  });
});

describe('Campaign crash recovery', () => {
  let first: TestApp;
  let admin: TestUser;
  const fake = new FakeSinchSmsServer();

  beforeAll(async () => {
    await fake.start();
    first = await startMessagingApp(DISPATCH);
    admin = await createUserAndLogin(first, 'admin');
  });
  afterAll(async () => {
    await first.close();
    await fake.stop();
  });

  it('recovers rows a crashed sender left behind: sent when Sinch has the batch, re-sent once when it does not', async () => {
    const tag = uniqueTag('crash');
    const phones = await seedContacts(first, { count: 6, tag });
    const [reached, lost] = [phones.slice(0, 3), phones.slice(3)];
    const channel = await createChannel(first, admin, sinchSmsChannel(fake));
    const campaign = await createCampaign(first, admin, {
      channelId: channel.id,
      message: { text: 'Crash' },
      audience: { tags: [tag] },
    });
    const knownReference = `crash_known_${randomUUID()}`;
    const unknownReference = `crash_unknown_${randomUUID()}`;

    // The crashed instance got its first request to Sinch, then died before recording anything.
    const accepted = await fetch(`${fake.url}/xms/v1/${fake.servicePlanId}/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: '12025550142',
        to: reached.map((p) => p.slice(1)),
        body: 'Crash',
        client_reference: knownReference,
      }),
    });
    const knownBatchId = ((await accepted.json()) as { id: string }).id;
    await simulateCrashedSend(first, {
      campaignId: campaign.id,
      channelId: channel.id,
      tag,
      reached,
      knownReference,
      unknownReference,
    });

    await waitFor(
      () => campaignUnits(first, campaign.id),
      (units) => units.length === 2 && units.every((unit) => unit.sending_until === null),
      { description: 'the expired leases to be recovered' },
    );
    const rows = await campaignRows(first, campaign.id);
    for (const row of rows.filter((r) => reached.includes(r.recipient))) {
      expect(row).toMatchObject({ status: 'sent', provider_batch_id: knownBatchId });
    }
    for (const row of rows.filter((r) => lost.includes(r.recipient))) expect(row.status).toBe('queued');

    await campaignAction(first, admin, campaign.id, 'resume');
    const done = await waitForCampaign(first, admin, campaign.id, (c) => c.status === 'completed');

    const sentTo = recipientsSentTo(fake, new Set(phones)).sort();
    expect(sentTo).toEqual([...phones].sort());
    expect(done.stats).toMatchObject({ total: 6, sent: 6, queued: 0, failed: 0 });
  });

  it('marks a crashed unit failed as interrupted when its provider cannot be asked, rather than sending twice', async () => {
    const tag = uniqueTag('lost');
    const phones = await seedContacts(first, { count: 6, tag });
    const channel = await createChannel(first, admin, sandboxChannel());
    const campaign = await createCampaign(first, admin, {
      channelId: channel.id,
      message: { text: 'Crash' },
      audience: { tags: [tag] },
    });
    const reference = `crash_sandbox_${randomUUID()}`;
    await simulateCrashedSend(first, {
      campaignId: campaign.id,
      channelId: channel.id,
      tag,
      reached: phones,
      knownReference: reference,
      unknownReference: `unused_${randomUUID()}`,
    });
    await first.dataSource.query(`DELETE FROM campaign_batches WHERE campaign_id = $1 AND reference <> $2`, [
      campaign.id,
      reference,
    ]);

    const units = await waitFor(
      () => campaignUnits(first, campaign.id),
      (list) => list.every((unit) => unit.done_at !== null),
      { description: 'the interrupted unit to be closed' },
    );
    expect(units).toHaveLength(1);
    const rows = await campaignRows(first, campaign.id);
    expect(rows.map((row) => [row.status, row.status_reason])).toEqual(
      phones.map(() => ['failed', 'interrupted']),
    );

    await campaignAction(first, admin, campaign.id, 'resume');
    const done = await waitForCampaign(first, admin, campaign.id, (c) => c.status === 'completed');
    expect(done.stats).toMatchObject({ total: 6, failed: 6, queued: 0, sent: 0 });
  });
});

interface CrashSetup {
  campaignId: string;
  channelId: string;
  tag: string;
  reached: string[];
  knownReference: string;
  unknownReference: string;
}

/**
 * The state a dispatcher leaves when it dies mid-request: the campaign materialised and started
 * (paused here so only recovery touches it), its rows still `queued` under an expired lease, each
 * with the batch reference it was about to send.
 */
async function simulateCrashedSend(sut: TestApp, setup: CrashSetup): Promise<void> {
  await sut.dataSource.query(
    `UPDATE campaigns SET status = 'paused', started_at = now(), materialized_at = now(), total = 6 WHERE id = $1`,
    [setup.campaignId],
  );
  const [state] = await sut.dataSource.query<Array<{ status: string } | undefined>>(
    `SELECT status FROM campaigns WHERE id = $1`,
    [setup.campaignId],
  );
  if (state?.status !== 'paused')
    throw new Error(`could not pause ${setup.campaignId}: ${JSON.stringify(state)}`);
  await sut.dataSource.query(
    `INSERT INTO conversations (contact_id, channel_id) SELECT id, $1 FROM contacts WHERE $2 = ANY(tags) ON CONFLICT DO NOTHING`,
    [setup.channelId, setup.tag],
  );
  await sut.dataSource.query(
    `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, recipient, content, status, attempts, batch_reference)
     SELECT 'outbound', $1, c.id, cv.id, $2, c.phone, '{"kind":"text","text":"Crash"}', 'queued', 1,
            CASE WHEN c.phone = ANY($4::text[]) THEN $5 ELSE $6 END
       FROM contacts c JOIN conversations cv ON cv.contact_id = c.id AND cv.channel_id = $1
      WHERE $3 = ANY(c.tags)`,
    [
      setup.channelId,
      setup.campaignId,
      setup.tag,
      setup.reached,
      setup.knownReference,
      setup.unknownReference,
    ],
  );
  await sut.dataSource.query(
    `INSERT INTO campaign_batches (reference, campaign_id, channel_id, size, attempts, sending_until)
     VALUES ($1, $2, $3, 3, 1, now() - interval '1 second'), ($4, $2, $3, 3, 1, now() - interval '1 second')`,
    [setup.knownReference, setup.campaignId, setup.channelId, setup.unknownReference],
  );
}

function campaignUnits(sut: TestApp, campaignId: string) {
  return sut.dataSource.query<Array<{ reference: string; sending_until: Date | null; done_at: Date | null }>>(
    `SELECT reference, sending_until, done_at FROM campaign_batches WHERE campaign_id = $1`,
    [campaignId],
  );
}

function campaignRows(sut: TestApp, campaignId: string) {
  return sut.dataSource.query<
    Array<{
      recipient: string;
      status: string;
      status_reason: string | null;
      provider_batch_id: string | null;
    }>
  >(`SELECT recipient, status, status_reason, provider_batch_id FROM messages WHERE campaign_id = $1`, [
    campaignId,
  ]);
}
