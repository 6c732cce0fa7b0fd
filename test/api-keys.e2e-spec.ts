import { expect } from '@jest/globals';

import { bodyOf, errorOf, fieldsOf } from './support/bodies.js';
import { type PageView, simulateInbound, SseClient } from './support/inbox.js';
import {
  type ChannelView,
  createChannel,
  randomPhone,
  sandboxChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

interface ApiKeyView {
  id: string;
  name: string;
  role: 'admin' | 'agent';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface CreatedKey extends ApiKeyView {
  key: string;
}

const withKey = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('API keys', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let sandbox: ChannelView;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
    sandbox = await createChannel(sut, admin, sandboxChannel({ deliveryDelayMs: 50 }));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => sut.close());

  const createKey = async (role: 'admin' | 'agent', name = `key ${role}`) =>
    bodyOf<CreatedKey>(
      await sut.http.post('/api/v1/api-keys').set(bearer(admin)).send({ name, role }).expect(201),
    );

  it('creates a key shown once, lists it without the key, and the key signs in with its role', async () => {
    const created = await createKey('agent', 'CRM sync');
    expect(created).toMatchObject({ name: 'CRM sync', role: 'agent', lastUsedAt: null, revokedAt: null });
    expect(created.key).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);

    const me = await sut.http.get('/api/v1/auth/me').set(withKey(created.key)).expect(200);
    expect(me.body).toMatchObject({ id: admin.id, role: 'agent', name: 'CRM sync' });

    const list = bodyOf<PageView<ApiKeyView>>(
      await sut.http.get('/api/v1/api-keys?limit=200').set(bearer(admin)).expect(200),
    );
    const listed = list.items.find((item) => item.id === created.id);
    expect(listed).toMatchObject({ name: 'CRM sync', prefix: created.prefix, revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(listed?.lastUsedAt).toEqual(expect.any(String));

    const rows = await sut.dataSource.query<Array<{ key_hash: Buffer }>>(
      `SELECT key_hash FROM api_keys WHERE id = $1`,
      [created.id],
    );
    expect(rows[0].key_hash.toString('hex')).not.toContain(Buffer.from(created.key).toString('hex'));
  });

  it('records use at most once a minute per key', async () => {
    const created = await createKey('agent');
    await sut.http.get('/api/v1/auth/me').set(withKey(created.key)).expect(200);
    const lastUsed = () =>
      sut.dataSource
        .query<Array<{ last_used_at: Date | null }>>(`SELECT last_used_at FROM api_keys WHERE id = $1`, [
          created.id,
        ])
        .then((rows) => rows[0].last_used_at?.getTime() ?? null);
    const first = await waitFor(lastUsed, (value) => value !== null, {
      description: 'the first use recorded',
    });
    for (let i = 0; i < 5; i++) await sut.http.get('/api/v1/auth/me').set(withKey(created.key)).expect(200);
    expect(await lastUsed()).toBe(first);
  });

  it('refuses a revoked key with 401 on the next request, and an unknown or malformed one', async () => {
    const created = await createKey('admin');
    await sut.http.get('/api/v1/channels').set(withKey(created.key)).expect(200);

    await sut.http.delete(`/api/v1/api-keys/${created.id}`).set(bearer(admin)).expect(204);

    const refused = await sut.http.get('/api/v1/channels').set(withKey(created.key)).expect(401);
    expect(errorOf(refused)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const list = bodyOf<PageView<ApiKeyView>>(
      await sut.http.get('/api/v1/api-keys?limit=200').set(bearer(admin)).expect(200),
    );
    expect(list.items.find((item) => item.id === created.id)?.revokedAt).toEqual(expect.any(String));

    const forged = `${created.key.slice(0, 11)}${'A'.repeat(43 - 8)}`;
    await sut.http.get('/api/v1/channels').set(withKey(forged)).expect(401);
    await sut.http.get('/api/v1/channels').set(withKey('sb_short')).expect(401);
    await sut.http.delete(`/api/v1/api-keys/${created.id}`).set(bearer(admin)).expect(204);
    await sut.http
      .delete('/api/v1/api-keys/6f1c2b3a-1d2e-4f5a-9b8c-7d6e5f4a3b2c')
      .set(bearer(admin))
      .expect(404);
  });

  it('gives an agent key 403 on admin routes and lets it do what an agent does', async () => {
    const created = await createKey('agent');
    await sut.http.get('/api/v1/users').set(withKey(created.key)).expect(403);
    await sut.http.get('/api/v1/api-keys').set(withKey(created.key)).expect(403);
    await sut.http.post('/api/v1/channels').set(withKey(created.key)).send(sandboxChannel()).expect(403);
    await sut.http.get('/api/v1/conversations').set(withKey(created.key)).expect(200);
    await sut.http
      .post('/api/v1/contacts')
      .set(withKey(created.key))
      .send({ phone: randomPhone() })
      .expect(201);
  });

  it('lets only admins create keys, and validates the body', async () => {
    await sut.http.post('/api/v1/api-keys').set(bearer(agent)).send({ name: 'x', role: 'agent' }).expect(403);
    const bad = await sut.http
      .post('/api/v1/api-keys')
      .set(bearer(admin))
      .send({ name: '  ', role: 'root' })
      .expect(400);
    expect(fieldsOf(bad).sort()).toEqual(['name', 'role']);
  });

  it('works on the SSE stream, in the header and as ?access_token=', async () => {
    const created = await createKey('agent');
    const viaHeader = await SseClient.open(`${sut.url}/api/v1/conversations/stream`, withKey(created.key));
    clients.push(viaHeader);
    expect(viaHeader.status).toBe(200);
    const viaQuery = await SseClient.open(
      `${sut.url}/api/v1/conversations/stream?access_token=${encodeURIComponent(created.key)}`,
    );
    clients.push(viaQuery);
    expect(viaQuery.status).toBe(200);

    await simulateInbound(sut, admin, sandbox.id, randomPhone(), 'hello over a key');
    for (const stream of [viaHeader, viaQuery]) {
      await waitFor(
        () => stream.events.filter((event) => event.event === 'message.created').length,
        (count) => count > 0,
        { description: 'message.created on a stream opened with a key' },
      );
    }

    await sut.http.delete(`/api/v1/api-keys/${created.id}`).set(bearer(admin)).expect(204);
    const refused = await SseClient.open(`${sut.url}/api/v1/conversations/stream`, withKey(created.key));
    clients.push(refused);
    expect(refused.status).toBe(401);
  });
});
