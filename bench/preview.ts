/**
 * Campaign preview and frequency-cap benchmark on PostgreSQL. Seeds N contacts (several time zones,
 * varied first names, one in a hundred with an emoji) and one sent campaign message for every tenth
 * contact, then times CampaignPreviewService.preview for a personalised campaign with a send window
 * and a frequency cap, and shows the plan of the cap look-up (it must use the partial index).
 *
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:preview   (N default 1,000,000)
 */
import 'reflect-metadata';

import { performance } from 'node:perf_hooks';

import { DataSource } from 'typeorm';

import { CampaignAudienceRepository } from '../src/campaigns/campaign-audience.repository.js';
import { CampaignBatchesRepository } from '../src/campaigns/campaign-batches.repository.js';
import { CampaignPreviewService } from '../src/campaigns/campaign-preview.service.js';
import { CampaignsRepository } from '../src/campaigns/campaigns.repository.js';
import { CampaignMessagesRepository } from '../src/conversations/campaign-messages.repository.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { benchLogger, round, runBench } from './support/format.js';
import { createFreshDatabase, requirePostgresUrl } from './support/fresh-database.js';

const N = Number(process.env.N ?? 1_000_000);
const RUNS = 3;
const log = benchLogger('preview');

async function main(): Promise<void> {
  const database = await createFreshDatabase(requirePostgresUrl('preview'), 'switchboard_bench_preview');
  const dataSource = new DataSource(dataSourceOptions(database.url, 4));
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    let started = performance.now();
    await dataSource.query(
      `INSERT INTO contacts (phone, first_name, tags, phone_time_zone)
       SELECT '+1415' || lpad(g::text, 7, '0'),
              CASE WHEN g % 100 = 1 THEN 'Zoë 😀' ELSE 'Name' || (g % 5000) END,
              ARRAY['bench'],
              (ARRAY['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'Pacific/Honolulu'])[1 + g % 5]
         FROM generate_series(1, $1::int) g`,
      [N],
    );
    const [channel] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO channels (name, provider, sender, config, encrypted_secrets, webhook_token)
       VALUES ('bench', 'sinch-sms', '+12025550142', '{"maxPerSecond": 100}', '', 'bench-preview-token') RETURNING id`,
    );
    const [earlier] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO campaigns (name, channel_id, message, audience, status)
       VALUES ('earlier', $1, '{"kind":"text","text":"x"}', '{"all":true}', 'completed') RETURNING id`,
      [channel.id],
    );
    await dataSource.query(
      `INSERT INTO conversations (contact_id, channel_id) SELECT id, $1 FROM contacts WHERE right(phone, 1) = '0'`,
      [channel.id],
    );
    await dataSource.query(
      `INSERT INTO messages (direction, channel_id, contact_id, conversation_id, campaign_id, recipient, content, status)
       SELECT 'outbound', $1, cv.contact_id, cv.id, $2, NULL, '{"kind":"text","text":"x"}', 'delivered'
         FROM conversations cv`,
      [channel.id, earlier.id],
    );
    await dataSource.query('ANALYZE');
    log(
      `seeded ${N} contacts and ${Math.floor(N / 10)} earlier campaign messages in ${round((performance.now() - started) / 1000)} s`,
    );

    const [campaign] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO campaigns (name, channel_id, message, audience, status, send_window, frequency_cap, rate_per_second)
       VALUES ('bench', $1, '{"kind":"text","text":"Hi {{firstName}}, 20% off today only. Reply STOP to opt out."}',
               '{"tags":["bench"]}', 'draft', '{"start":"08:00","end":"21:00","unknownTimeZone":"hold"}',
               '{"max":1,"perHours":24}', 50) RETURNING id`,
      [channel.id],
    );
    const campaigns = new CampaignsRepository(
      dataSource,
      new CampaignMessagesRepository(dataSource),
      new CampaignBatchesRepository(dataSource),
    );
    const sut = new CampaignPreviewService(campaigns, new CampaignAudienceRepository(dataSource));
    const seconds: number[] = [];
    let preview: unknown;
    for (let run = 0; run < RUNS; run++) {
      started = performance.now();
      preview = await sut.preview(campaign.id);
      seconds.push(round((performance.now() - started) / 1000));
      log(`run ${run + 1}: ${seconds.at(-1)} s`);
    }
    const plan = await dataSource.query<Array<{ 'QUERY PLAN': string }>>(
      `EXPLAIN SELECT count(*) FROM (SELECT 1 FROM messages s
         WHERE s.contact_id = (SELECT id FROM contacts LIMIT 1) AND s.campaign_id IS NOT NULL
           AND s.status IN ('sent', 'delivered', 'read') AND s.status_updated_at > now() - interval '24 hours' LIMIT 1) recent`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'preview',
        database: 'postgresql',
        recipients: N,
        previewSeconds: seconds,
        bestSeconds: Math.min(...seconds),
        preview,
        capLookupUsesIndex: plan.some((row) =>
          row['QUERY PLAN'].includes('messages_contact_campaign_sent_idx'),
        ),
        capLookupPlan: plan.map((row) => row['QUERY PLAN'].trim()),
        node: process.version,
      })}\n`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    if (process.env.KEEP_DATABASE === '1') log(`kept ${database.url}`);
    else await database.drop();
  }
}

runBench(main);
