import { randomInt } from 'node:crypto';

import { FakeSinchSmsServer } from '../fakes/fake-sinch-sms.server.js';
import { startIsolatedMessagingApp } from './messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './test-app.js';
import { waitFor, type WaitOptions } from './wait-for.js';

type Caller = { accessToken: string };

export interface CampaignStatsView {
  total: number;
  queued: number;
  held: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skippedOptedOut: number;
  skippedInvalid: number;
  skippedFrequencyCap: number;
}

export interface CampaignView {
  id: string;
  name: string;
  channelId: string;
  status: string;
  failureReason: string | null;
  scheduledAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  stats: CampaignStatsView;
  progress: number;
}

let tagSequence = 0;

/** A tag no other test (file, worker or run) uses. */
export function uniqueTag(prefix = 'cmp'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++tagSequence}-${randomInt(1e6)}`;
}

export interface SeedOptions {
  count: number;
  tag: string;
  /** Rows 1..count; anything null renders empty. */
  firstName?: (i: number) => string | null;
  city?: (i: number) => string | null;
  optedOut?: (i: number) => boolean;
}

/**
 * Creates `count` contacts with `tag` in one set-based statement and returns their phones, in
 * order. The phones share a random 6-digit prefix so parallel tests never collide.
 */
export async function seedContacts(sut: TestApp, options: SeedOptions): Promise<string[]> {
  const prefix = `+1${randomInt(200, 999)}${randomInt(100, 999)}`;
  const width = 5;
  if (options.count >= 10 ** width) throw new Error('seedContacts: too many contacts for one prefix');
  const firstNames = Array.from({ length: options.count }, (_, i) =>
    options.firstName ? options.firstName(i + 1) : `First${i + 1}`,
  );
  const cities = Array.from({ length: options.count }, (_, i) => options.city?.(i + 1) ?? null);
  const optedOut = Array.from({ length: options.count }, (_, i) => options.optedOut?.(i + 1) ?? false);
  const rows = await sut.dataSource.query<Array<{ phone: string }>>(
    `INSERT INTO contacts (phone, first_name, attributes, tags, opted_out_at)
     SELECT $1::text || lpad(g::text, $2::int, '0'),
            ($4::text[])[g],
            CASE WHEN ($5::text[])[g] IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('city', ($5::text[])[g]) END,
            ARRAY[$3::text],
            CASE WHEN ($6::boolean[])[g] THEN now() END
       FROM generate_series(1, $7::int) AS g
     RETURNING phone`,
    [prefix, width, options.tag, firstNames, cities, optedOut, options.count],
  );
  return rows.map((r) => r.phone).sort();
}

/** A contact in the audience that cannot be messaged: no phone number. */
export async function seedContactWithoutPhone(sut: TestApp, tag: string): Promise<void> {
  await sut.dataSource.query(
    `INSERT INTO contacts (phone, name, tags) VALUES (NULL, 'No phone', ARRAY[$1::text])`,
    [tag],
  );
}

export async function createCampaign(
  sut: TestApp,
  admin: Caller,
  body: Record<string, unknown>,
): Promise<CampaignView> {
  const response = await sut.http
    .post('/api/v1/campaigns')
    .set(bearer(admin))
    .send({ name: 'e2e campaign', ...body });
  if (response.status !== 201)
    throw new Error(`POST /campaigns answered ${response.status}: ${response.text}`);
  return response.body as CampaignView;
}

export async function campaignAction(
  sut: TestApp,
  admin: Caller,
  id: string,
  action: 'schedule' | 'pause' | 'resume' | 'cancel',
  body: Record<string, unknown> = {},
): Promise<CampaignView> {
  const response = await sut.http.post(`/api/v1/campaigns/${id}/${action}`).set(bearer(admin)).send(body);
  if (response.status !== 200)
    throw new Error(`POST /campaigns/${id}/${action} answered ${response.status}: ${response.text}`);
  return response.body as CampaignView;
}

export async function getCampaign(sut: TestApp, user: Caller, id: string): Promise<CampaignView> {
  const response = await sut.http.get(`/api/v1/campaigns/${id}`).set(bearer(user)).expect(200);
  return response.body as CampaignView;
}

export function waitForCampaign(
  sut: TestApp,
  user: Caller,
  id: string,
  until: (campaign: CampaignView) => boolean,
  options: WaitOptions = {},
): Promise<CampaignView> {
  return waitFor(() => getCampaign(sut, user, id), until, {
    description: `campaign ${id}`,
    timeoutMs: 45_000,
    ...options,
  });
}

/** Send units of the campaign a sender has claimed and not settled: requests that may still reach the provider. */
async function unitsInFlight(sut: TestApp, campaignId: string): Promise<number> {
  const [row] = await sut.dataSource.query<Array<{ count: string }>>(
    `SELECT count(*) AS count FROM campaign_batches
      WHERE campaign_id = $1 AND done_at IS NULL AND sending_until IS NOT NULL`,
    [campaignId],
  );
  return Number(row.count);
}

/**
 * Waits until dispatching has moved on past this moment instead of waiting on the clock: a
 * one-recipient campaign scheduled now on the channel has been sent and completed, and no unit of
 * `campaignId` is still being sent. What a paused or cancelled campaign did not send by then, it
 * did not send because it was paused or cancelled.
 */
export async function dispatchMovedOn(
  sut: TestApp,
  admin: Caller,
  channelId: string,
  campaignId: string,
): Promise<void> {
  const tag = uniqueTag('probe');
  await seedContacts(sut, { count: 1, tag });
  const probe = await createCampaign(sut, admin, {
    channelId,
    message: { text: 'Probe' },
    audience: { tags: [tag] },
  });
  await campaignAction(sut, admin, probe.id, 'schedule');
  await waitForCampaign(sut, admin, probe.id, (c) => c.status === 'completed');
  await waitFor(
    () => unitsInFlight(sut, campaignId),
    (count) => count === 0,
    { description: `the units of campaign ${campaignId} in flight to settle` },
  );
}

/** Every recipient (E.164) of every batch the fake accepted with a client reference, in order. */
export function recipientsSentTo(fake: FakeSinchSmsServer, phones?: ReadonlySet<string>): string[] {
  const all = fake.batches.flatMap((batch) => batch.to.map((digits) => `+${digits}`));
  return phones ? all.filter((phone) => phones.has(phone)) : all;
}

/** The batches the fake accepted for any of these recipients. */
export function batchesFor(fake: FakeSinchSmsServer, phones: ReadonlySet<string>) {
  return fake.batches.filter((batch) => batch.to.some((digits) => phones.has(`+${digits}`)));
}

export function addsUp(stats: CampaignStatsView): boolean {
  const { total, ...parts } = stats;
  return Object.values(parts).reduce((sum, n) => sum + n, 0) === total;
}

export interface CampaignRig {
  fake: FakeSinchSmsServer;
  sut: TestApp;
  admin: TestUser;
}

/**
 * Registers the hooks of a file that runs campaigns on an app of its own (its own database, so
 * its settings are the ones that dispatch), with a fake Sinch SMS and an admin. Read the fields
 * inside tests, once the hooks have run.
 */
export function campaignRig(env: Record<string, string> = {}): CampaignRig {
  const rig = { fake: new FakeSinchSmsServer() } as CampaignRig;
  beforeAll(async () => {
    await rig.fake.start();
    rig.sut = await startIsolatedMessagingApp({
      CAMPAIGN_DISPATCH_INTERVAL_MS: '200',
      LOG_LEVEL: process.env.CAMPAIGN_TEST_LOG_LEVEL ?? 'silent',
      ...env,
    });
    rig.admin = await createUserAndLogin(rig.sut, 'admin');
  });
  afterAll(async () => {
    await rig.sut?.close();
    await rig.fake.stop();
  });
  return rig;
}
