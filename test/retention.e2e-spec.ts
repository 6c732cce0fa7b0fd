import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { AuthRecordsRetentionJob } from '../src/auth/tokens/auth-records-retention.job.js';
import { queryRows } from '../src/database/query-rows.js';
import { WebhookEventsRetentionJob } from '../src/webhooks/webhook-events-retention.job.js';
import { createChannel, sandboxChannel } from './support/messaging.js';
import { createUserAndLogin, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

describe('Retention of webhook events and auth records', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startTestApp({ WEBHOOK_EVENTS_RETENTION_DAYS: '7' });
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  const existing = async (table: string, ids: string[]): Promise<string[]> =>
    (await queryRows<{ id: string }>(sut.dataSource, `SELECT id FROM ${table} WHERE id = ANY($1)`, [ids]))
      .map((row) => row.id)
      .sort();

  it('deletes processed webhook events past retention and keeps recent or unprocessed ones', async () => {
    const channel = await createChannel(sut, admin, sandboxChannel());
    const insert = (receivedDaysAgo: number, processed: boolean) =>
      queryRows<{ id: string }>(
        sut.dataSource,
        `INSERT INTO webhook_events (provider, channel_id, dedup_key, type, payload, received_at, processed_at)
         VALUES ('sandbox', $1, $2, 'inbound', '{}', now() - make_interval(days => $3),
                 CASE WHEN $4 THEN now() - make_interval(days => $3) END)
         RETURNING id`,
        [channel.id, randomUUID(), receivedDaysAgo, processed],
      ).then(([row]) => row.id);
    const old = await Promise.all([insert(8, true), insert(30, true)]);
    const recent = await insert(6, true);
    const unprocessed = await insert(30, false);

    await sut.app.get(WebhookEventsRetentionJob).tick();

    const all = [...old, recent, unprocessed];
    expect(await existing('webhook_events', all)).toEqual([recent, unprocessed].sort());
  });

  it('deletes expired and revoked refresh tokens and keeps live and spent ones until they expire', async () => {
    const insert = (expiresInHours: number, state: 'live' | 'spent' | 'revoked') =>
      queryRows<{ id: string }>(
        sut.dataSource,
        `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, used_at, revoked_at)
         VALUES ($1, gen_random_uuid(), $2, now() + make_interval(hours => $3),
                 CASE WHEN $4 = 'spent' THEN now() END, CASE WHEN $4 = 'revoked' THEN now() END)
         RETURNING id`,
        [admin.id, randomUUID(), expiresInHours, state],
      ).then(([row]) => row.id);
    const expired = await insert(-1, 'spent');
    const revoked = await insert(5, 'revoked');
    const live = await insert(5, 'live');
    const spent = await insert(5, 'spent');

    await sut.app.get(AuthRecordsRetentionJob).tick();

    expect(await existing('refresh_tokens', [expired, revoked, live, spent])).toEqual([live, spent].sort());
  });

  it('deletes login-throttle counters whose window and block are over', async () => {
    const over = `retention-test-${randomUUID()}`;
    const blocked = `retention-test-${randomUUID()}`;
    const running = `retention-test-${randomUUID()}`;
    await sut.dataSource.query(
      `INSERT INTO throttle_counters (key, hits, window_ends_at, blocked_until) VALUES
         ($1, 3, now() - interval '1 minute', NULL),
         ($2, 11, now() - interval '1 minute', now() + interval '1 minute'),
         ($3, 1, now() + interval '1 minute', NULL)`,
      [over, blocked, running],
    );

    await sut.app.get(AuthRecordsRetentionJob).tick();

    const left = await queryRows<{ key: string }>(
      sut.dataSource,
      `SELECT key FROM throttle_counters WHERE key = ANY($1)`,
      [[over, blocked, running]],
    );
    expect(left.map((row) => row.key).sort()).toEqual([blocked, running].sort());
  });
});
