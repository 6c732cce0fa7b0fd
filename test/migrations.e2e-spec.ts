import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { CampaignConversationPreviews1732481600000 } from '../migrations/1732481600000-campaign-conversation-previews.js';
import { CampaignStatusCounts1732530000000 } from '../migrations/1732530000000-campaign-status-counts.js';
import { migrations } from '../migrations/index.js';
import { CampaignMessagesRepository } from '../src/conversations/campaign-messages.repository.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './support/isolated-database.js';

/** Migrations that change data: run on rows written by the schema before them. */
describe('Migrations', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    database = await createIsolatedDatabase();
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database.destroy();
  });

  const migrateUpTo = async (count: number) => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    dataSource = new DataSource({
      ...dataSourceOptions(database.url, 2),
      migrations: migrations.slice(0, count),
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    return dataSource;
  };

  it('gives conversations that only received campaign messages the preview of their newest message', async () => {
    const previews = migrations.indexOf(CampaignConversationPreviews1732481600000);
    const before = await migrateUpTo(previews);
    const [channel] = await before.query<Array<{ id: string }>>(
      `INSERT INTO channels (name, provider, sender, encrypted_secrets, webhook_token)
       VALUES ('Sandbox', 'sandbox', '+12025550142', '', 'token') RETURNING id`,
    );
    const conversationOf = async (phone: string, preview: string | null) => {
      const [row] = await before.query<Array<{ id: string; contact_id: string }>>(
        `WITH contact AS (INSERT INTO contacts (phone) VALUES ($1) RETURNING id)
         INSERT INTO conversations (contact_id, channel_id, last_message_preview)
         SELECT id, $2, $3 FROM contact RETURNING id, contact_id`,
        [phone, channel.id, preview],
      );
      return row;
    };
    const message = (conversation: { id: string; contact_id: string }, content: unknown, at: string) =>
      before.query(
        `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, content, status, created_at)
         VALUES ('outbound', $1, $2, $3, $4, 'sent', $5)`,
        [channel.id, conversation.contact_id, conversation.id, JSON.stringify(content), at],
      );
    const campaignOnly = await conversationOf('+14155550100', null);
    await message(campaignOnly, { kind: 'text', text: 'Older' }, '2026-01-01T10:00:00Z');
    await message(
      campaignOnly,
      { kind: 'text', text: `Spring sale ${'!'.repeat(200)}` },
      '2026-01-02T10:00:00Z',
    );
    const template = await conversationOf('+14155550101', null);
    await message(template, { kind: 'template', template: { id: 'welcome' } }, '2026-01-01T10:00:00Z');
    const replied = await conversationOf('+14155550102', 'Thanks!');
    await message(replied, { kind: 'text', text: 'Campaign text' }, '2026-01-01T10:00:00Z');
    const empty = await conversationOf('+14155550103', null);

    const after = await migrateUpTo(previews + 1);

    const rows = await after.query<Array<{ id: string; last_message_preview: string | null }>>(
      `SELECT id, last_message_preview FROM conversations`,
    );
    const previewOf = (id: string) => rows.find((row) => row.id === id)?.last_message_preview;
    expect(previewOf(campaignOnly.id)).toBe(`Spring sale ${'!'.repeat(128)}`);
    expect(previewOf(template.id)).toBe('[template welcome]');
    expect(previewOf(replied.id)).toBe('Thanks!');
    expect(previewOf(empty.id)).toBeNull();
  });

  it('counts the messages of campaigns sent before status counters existed', async () => {
    const counters = migrations.indexOf(CampaignStatusCounts1732530000000);
    const before = await migrateUpTo(counters);
    const [campaign, other] = [randomUUID(), randomUUID()];
    await before.query(
      `WITH channel AS (
         INSERT INTO channels (name, provider, sender, encrypted_secrets, webhook_token)
         VALUES ('Counted', 'sandbox', '+12025550144', '', 'counted-token') RETURNING id),
       contact AS (
         INSERT INTO contacts (phone) SELECT '+1415555030' || n FROM generate_series(0, 5) AS n RETURNING id, phone),
       thread AS (
         INSERT INTO conversations (contact_id, channel_id) SELECT contact.id, channel.id FROM contact, channel
         RETURNING id, contact_id, channel_id)
       INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, content, status)
       SELECT 'outbound', t.channel_id, t.contact_id, t.id,
              CASE WHEN c.phone < '+14155550304' THEN $1::uuid WHEN c.phone = '+14155550304' THEN $2::uuid END,
              '{"kind":"text","text":"Hi"}', CASE WHEN c.phone < '+14155550302' THEN 'delivered' ELSE 'sent' END
         FROM thread t JOIN contact c ON c.id = t.contact_id`,
      [campaign, other],
    );

    const after = await migrateUpTo(counters + 1);
    const counts = await new CampaignMessagesRepository(after).statusCounts([campaign, other]);

    expect(counts.get(campaign)?.sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      { status: 'delivered', count: 2 },
      { status: 'sent', count: 2 },
    ]);
    expect(counts.get(other)).toEqual([{ status: 'sent', count: 1 }]);
  });

  it('gives new contacts, conversations and messages time-ordered version 7 ids, and keeps their uniqueness rules', async () => {
    const db = await migrateUpTo(migrations.length);
    const [channel] = await db.query<Array<{ id: string }>>(
      `INSERT INTO channels (name, provider, sender, encrypted_secrets, webhook_token)
       VALUES ('Ordered', 'sandbox', '+12025550143', '', 'ordered-token') RETURNING id`,
    );
    const conversation = async (phone: string) => {
      const [row] = await db.query<Array<{ id: string; contact_id: string }>>(
        `WITH contact AS (INSERT INTO contacts (phone) VALUES ($1) RETURNING id)
         INSERT INTO conversations (contact_id, channel_id) SELECT id, $2 FROM contact RETURNING id, contact_id`,
        [phone, channel.id],
      );
      return row;
    };
    const message = async (
      thread: { id: string; contact_id: string },
      columns: { clientReference?: string; providerMessageId?: string } = {},
    ) => {
      const [row] = await db.query<Array<{ id: string }>>(
        `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, content, status, client_reference, provider_message_id)
         VALUES ('outbound', $1, $2, $3, '{"kind":"text","text":"Hi"}', 'queued', $4, $5) RETURNING id`,
        [
          channel.id,
          thread.contact_id,
          thread.id,
          columns.clientReference ?? null,
          columns.providerMessageId ?? null,
        ],
      );
      return row.id;
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, 3));

    const first = await conversation('+14155550200');
    await pause();
    const second = await conversation('+14155550201');
    const ids = [await message(first)];
    await pause();
    ids.push(await message(second));
    const version7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const id of [first.id, second.id, first.contact_id, second.contact_id, ...ids])
      expect(id).toMatch(version7);
    expect(first.id < second.id).toBe(true);
    expect(first.contact_id < second.contact_id).toBe(true);
    expect(ids[0] < ids[1]).toBe(true);

    // Rows without a client reference or provider id never conflicted and still do not; rows with one still do.
    await message(first);
    await message(first, { clientReference: 'ref-1', providerMessageId: 'provider-1' });
    await expect(message(second, { clientReference: 'ref-1' })).rejects.toThrow(
      /messages_client_reference_key/,
    );
    await expect(message(second, { providerMessageId: 'provider-1' })).rejects.toThrow(
      /messages_provider_message_key/,
    );
  });

  it('builds contact search names as the first body did, from one the planner inlines', async () => {
    const migrated = await migrateUpTo(migrations.length);
    const parts = [null, '', ' ', 'Ana', ' Ana ', 'ÉLODIE', 'Łukasz', 'Nguyễn'];
    const [{ differing }] = await migrated.query<Array<{ differing: number }>>(
      `SELECT count(*)::int AS differing
         FROM unnest($1::text[]) n, unnest($1::text[]) f, unnest($1::text[]) l
        WHERE contact_search_name(n, f, l) IS DISTINCT FROM lower(concat_ws(' ', n, f, l))`,
      [parts],
    );
    expect(differing).toBe(0);

    const plan = await migrated.query<Array<{ 'QUERY PLAN': string }>>(
      `EXPLAIN (VERBOSE, COSTS OFF)
       SELECT id FROM contacts WHERE contact_search_name(name, first_name, last_name) LIKE '%ana%'`,
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('lower(');
    expect(text).not.toContain('contact_search_name');
  });
});
