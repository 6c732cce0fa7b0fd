import { randomUUID } from 'node:crypto';

import type { DataSource } from 'typeorm';

import { CampaignBatchesRepository } from '../src/campaigns/campaign-batches.repository.js';
import { CampaignsRepository } from '../src/campaigns/campaigns.repository.js';
import type { MessageStatus } from '../src/channels/providers/channel-provider.interface.js';
import {
  CampaignMessagesRepository,
  type RecipientFinal,
} from '../src/conversations/campaign-messages.repository.js';
import { queryRows } from '../src/database/query-rows.js';
import { createMigratedDatabase, type MigratedDatabase } from './support/migrated-database.js';

/**
 * The campaign repositories' claim and record statements against a real database (PostgreSQL or
 * PGlite), in a database of their own so no app's dispatcher or recovery touches the units.
 */
describe('Campaign repositories', () => {
  let database: MigratedDatabase;
  let db: DataSource;
  let batches: CampaignBatchesRepository;
  let messages: CampaignMessagesRepository;
  let campaigns: CampaignsRepository;

  beforeAll(async () => {
    database = await createMigratedDatabase(4);
    db = database.dataSource;
    batches = new CampaignBatchesRepository(db);
    messages = new CampaignMessagesRepository(db);
    campaigns = new CampaignsRepository(db, messages, batches);
  });

  afterAll(async () => {
    await database.destroy();
  });

  let seeded = 0;

  /** A sending campaign with `units` send units of `perUnit` queued recipients each. */
  async function seedCampaign(units: number, perUnit: number): Promise<{ id: string; references: string[] }> {
    const [channel] = await queryRows<{ id: string }>(
      db,
      `INSERT INTO channels (name, provider, sender, encrypted_secrets, webhook_token)
       VALUES ('repo test', 'sandbox', '+15550000000', '{}', $1) RETURNING id`,
      [randomUUID()],
    );
    const [campaign] = await queryRows<{ id: string }>(
      db,
      `INSERT INTO campaigns (name, channel_id, message, audience, status, started_at, materialized_at)
       VALUES ('repo test', $1, '{"kind":"text","text":"Hi"}', '{"all":true}', 'sending', now(), now()) RETURNING id`,
      [channel.id],
    );
    const prefix = `cmp_test_${randomUUID().replaceAll('-', '')}`;
    await db.query(
      `WITH recipients AS (
         SELECT n, '+1555' || lpad(($6::int * 1000 + n)::text, 7, '0') AS phone
           FROM generate_series(0, $3::int * $4::int - 1) AS n),
       contacts AS (
         INSERT INTO contacts (phone) SELECT phone FROM recipients RETURNING id, phone),
       threads AS (
         INSERT INTO conversations (contact_id, channel_id) SELECT id, $1 FROM contacts RETURNING id, contact_id),
       rows AS (
         INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, recipient, content, status, batch_reference)
         SELECT 'outbound', $1, c.id, t.id, $2, c.phone, '{"kind":"text","text":"Hi"}', 'queued',
                $5 || '_' || (r.n / $4::int)
           FROM contacts c JOIN threads t ON t.contact_id = c.id JOIN recipients r ON r.phone = c.phone)
       INSERT INTO campaign_batches (reference, campaign_id, channel_id, size)
       SELECT $5 || '_' || u, $2, $1, $4 FROM generate_series(0, $3::int - 1) AS u`,
      [channel.id, campaign.id, units, perUnit, prefix, ++seeded],
    );
    return {
      id: campaign.id,
      references: Array.from({ length: units }, (_, u) => `${prefix}_${u}`),
    };
  }

  /** The campaign's messages counted by status, checked against the counters the repository reads. */
  async function statuses(campaignId: string): Promise<Record<string, number>> {
    const rows = await queryRows<{ status: string; count: string }>(
      db,
      `SELECT status, count(*) AS count FROM messages WHERE campaign_id = $1 GROUP BY status ORDER BY status`,
      [campaignId],
    );
    const counted = Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    const kept = (await messages.statusCounts([campaignId])).get(campaignId) ?? [];
    expect(Object.fromEntries(kept.map((c) => [c.status, c.count]))).toEqual(counted);
    return counted;
  }

  it('never gives the same unit to two claims made at once, and gives every due unit to one of them', async () => {
    const campaign = await seedCampaign(20, 3);

    const claims = await Promise.all([
      batches.claimDueUnits(campaign.id, 12, 30),
      batches.claimDueUnits(campaign.id, 12, 30),
      batches.claimDueUnits(campaign.id, 12, 30),
    ]);

    const claimed = claims.flat().map((unit) => unit.reference);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual([...campaign.references].sort());
    expect(claims.flat().every((unit) => unit.attempts === 1)).toBe(true);
    expect(await batches.claimDueUnits(campaign.id, 12, 30)).toEqual([]);
  });

  it('gives a released unit back as it was, and holds a retried one until its time', async () => {
    const campaign = await seedCampaign(2, 1);
    const [first, second] = await batches.claimDueUnits(campaign.id, 2, 30);

    await batches.release([first.reference]);
    await batches.scheduleRetries([{ reference: second.reference, delayMs: 60_000 }]);

    expect(await batches.claimDueUnits(campaign.id, 2, 30)).toEqual([
      { reference: first.reference, attempts: 1 },
    ]);
    await db.query(
      `UPDATE campaign_batches SET next_attempt_at = now() - interval '1 second' WHERE reference = $1`,
      [second.reference],
    );
    expect(await batches.claimDueUnits(campaign.id, 2, 30)).toEqual([
      { reference: second.reference, attempts: 2 },
    ]);
  });

  it('records final results idempotently, and never moves a status back', async () => {
    const campaign = await seedCampaign(1, 3);
    const [unit] = await batches.claimDueUnits(campaign.id, 1, 30);
    const rows = await messages.queuedInUnits([unit.reference]);
    const finals: RecipientFinal[] = rows.map((row, i) =>
      i === 0
        ? {
            id: row.id,
            status: 'rejected',
            attempts: 1,
            reason: `blocked ${'!'.repeat(1200)}`,
            errorCode: '402',
          }
        : {
            id: row.id,
            status: 'sent',
            attempts: 1,
            providerMessageId: `p-${i}`,
            providerBatchId: 'batch-7',
          },
    );

    await messages.recordFinals(finals);
    await db.query(`UPDATE messages SET status = 'delivered' WHERE id = $1`, [rows[2].id]);
    await messages.recordFinals(finals);

    expect(await statuses(campaign.id)).toEqual({ delivered: 1, rejected: 1, sent: 1 });
    const recorded = await queryRows<{
      id: string;
      status_reason: string | null;
      error_code: string | null;
      provider_message_id: string | null;
      provider_batch_id: string | null;
      attempts: number;
    }>(
      db,
      `SELECT id, status_reason, error_code, provider_message_id, provider_batch_id, attempts
         FROM messages WHERE id = ANY($1::uuid[])`,
      [rows.map((row) => row.id)],
    );
    const byId = new Map(recorded.map((row) => [row.id, row]));
    expect(byId.get(rows[0].id)).toMatchObject({
      status_reason: `blocked ${'!'.repeat(992)}`,
      error_code: '402',
      provider_message_id: null,
      provider_batch_id: null,
      attempts: 1,
    });
    expect(byId.get(rows[1].id)).toMatchObject({
      status_reason: null,
      error_code: null,
      provider_message_id: 'p-1',
      provider_batch_id: 'batch-7',
    });
    expect(await messages.queuedInUnits([unit.reference])).toEqual([]);
  });

  it('lets exactly one of two instances take over a unit whose lease ran out', async () => {
    const campaign = await seedCampaign(1, 2);
    const [unit] = await batches.claimDueUnits(campaign.id, 1, 30);
    await batches.expireLeases([unit.reference]);

    const expired = await batches.findExpired(1000);
    expect(expired.map((u) => u.reference)).toContain(unit.reference);
    const takeovers = await Promise.all([
      batches.claimExpired(unit.reference, 60),
      batches.claimExpired(unit.reference, 60),
    ]);

    expect(takeovers.filter(Boolean)).toHaveLength(1);
    expect((await batches.findExpired(1000)).map((u) => u.reference)).not.toContain(unit.reference);
  });

  it('fails a sending campaign with its unsent recipients and open units, once', async () => {
    const campaign = await seedCampaign(3, 2);
    const [unit] = await batches.claimDueUnits(campaign.id, 1, 30);
    const [sent] = await messages.queuedInUnits([unit.reference]);
    await messages.recordFinals([{ id: sent.id, status: 'sent', attempts: 1 }]);

    expect(await campaigns.failSending(campaign.id, 'channel gone')).toBe(true);
    expect(await campaigns.failSending(campaign.id, 'channel gone')).toBe(false);

    expect(await statuses(campaign.id)).toEqual({ failed: 5, sent: 1 });
    expect(await campaigns.statusOf(campaign.id)).toBe('failed');
    expect(await batches.claimDueUnits(campaign.id, 10, 30)).toEqual([]);
  });

  it('keeps status counts equal to the messages through inserts, updates and deletes from concurrent connections', async () => {
    const campaign = await seedCampaign(4, 5);
    const other = await seedCampaign(1, 3);
    expect(await statuses(campaign.id)).toEqual({ queued: 20 });

    const units = await batches.claimDueUnits(campaign.id, 4, 30);
    const rowsOf = await Promise.all(units.map((unit) => messages.queuedInUnits([unit.reference])));
    // Four connections of the pool record at once, each adding to the counters it writes to.
    await Promise.all(
      rowsOf.map((rows, u) =>
        messages.recordFinals(
          rows.map((row, i) => ({
            id: row.id,
            status: (u + i) % 3 === 0 ? 'rejected' : 'sent',
            attempts: 1,
          })),
        ),
      ),
    );
    const sent = rowsOf.flat().filter((_, i) => i % 2 === 0);
    await db.query(
      `UPDATE messages SET status = 'delivered' WHERE id = ANY($1::uuid[]) AND status = 'sent'`,
      [sent.map((row) => row.id)],
    );
    await db.query(`DELETE FROM messages WHERE id = $1`, [rowsOf[0][0].id]);
    await db.query(
      `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, content, status)
       SELECT 'inbound', channel_id, contact_id, conversation_id, '{"kind":"text","text":"Thanks"}', 'received'
         FROM messages WHERE campaign_id = $1 LIMIT 3`,
      [campaign.id],
    );

    const counted = await statuses(campaign.id);
    expect(Object.values(counted).reduce((sum, n) => sum + n, 0)).toBe(19);
    expect(counted.queued).toBeUndefined();
    expect(await statuses(other.id)).toEqual({ queued: 3 });
  });

  it("pages a campaign's messages newest first, of all statuses or of one, without gaps or repeats", async () => {
    const campaign = await seedCampaign(3, 7);
    await db.query(
      `UPDATE messages m
          SET created_at = now() - make_interval(secs => r.n % 5),
              status = (ARRAY['queued', 'sent', 'delivered', 'failed'])[1 + r.n % 4]
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM messages WHERE campaign_id = $1) r
        WHERE m.id = r.id`,
      [campaign.id],
    );
    const newestFirst = (status?: string) =>
      queryRows<{ id: string }>(
        db,
        `SELECT id FROM messages WHERE campaign_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY created_at DESC, id DESC`,
        [campaign.id, status ?? null],
      ).then((rows) => rows.map((row) => row.id));
    const allPages = async (status?: MessageStatus) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await messages.page(campaign.id, 4, cursor, status);
        ids.push(...page.items.map((message) => message.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };

    expect(await allPages()).toEqual(await newestFirst());
    expect(await allPages('sent')).toEqual(await newestFirst('sent'));
    expect(await allPages('read')).toEqual([]);
  });

  it('completes a campaign only once every unit is done', async () => {
    const campaign = await seedCampaign(2, 1);
    const [first, second] = await batches.claimDueUnits(campaign.id, 2, 30);

    await batches.markDone([first.reference]);
    expect(await campaigns.completeIfDone(campaign.id)).toBe(false);
    await batches.markDone([second.reference]);
    expect(await campaigns.completeIfDone(campaign.id)).toBe(true);

    expect(await campaigns.statusOf(campaign.id)).toBe('completed');
  });
});
