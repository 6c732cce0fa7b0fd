import { expect } from '@jest/globals';

import { SecretBox } from '../src/common/crypto/secret-box.js';
import { FakePlivoServer } from './fakes/fake-plivo.server.js';
import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { errorOf, fieldsOf } from './support/bodies.js';
import {
  type ChannelView,
  CONVERSATION_WEBHOOK_SECRET,
  createChannel,
  getMessage,
  plivoChannel,
  PUBLIC_BASE_URL,
  randomPhone,
  sandboxChannel,
  sendMessage,
  sinchConversationChannel,
  sinchSmsChannel,
  startMessagingApp,
  waitForMessageStatus,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';

describe('Channels', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  const sinchSms = new FakeSinchSmsServer();
  const conversation = new FakeSinchConversationServer();
  const plivo = new FakePlivoServer();
  const SINCH_WEBHOOK_SECRET = 'sinch-sms-hmac-secret-7f7f';

  beforeAll(async () => {
    await Promise.all([sinchSms.start(), conversation.start(), plivo.start()]);
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
  });
  afterAll(async () => {
    await sut.close();
    await Promise.all([sinchSms.stop(), conversation.stop(), plivo.stop()]);
  });
  beforeEach(() => {
    sinchSms.reset();
    plivo.reset();
  });

  const storedRow = async (id: string) => {
    const [row] = await sut.dataSource.query<
      Array<{ encrypted_secrets: string; config: Record<string, unknown> }>
    >(`SELECT encrypted_secrets, config FROM channels WHERE id = $1`, [id]);
    return row;
  };

  describe('creating one per provider', () => {
    it('creates a sinch-sms channel: token masked, callback URL carrying an unguessable token', async () => {
      const response = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send(sinchSmsChannel(sinchSms, { webhookSecret: SINCH_WEBHOOK_SECRET }))
        .expect(201);
      const channel = response.body as ChannelView;

      expect(channel).toMatchObject({ provider: 'sinch-sms', sender: '+12025550142', disabled: false });
      expect(channel.config).toMatchObject({
        servicePlanId: sinchSms.servicePlanId,
        region: 'us',
        baseUrl: sinchSms.url,
      });
      expect(channel.config.apiToken).toMatch(/^••••/);
      expect(channel.config.webhookSecret).toMatch(/^••••/);
      expect(response.text).not.toContain(sinchSms.apiToken);
      expect(response.text).not.toContain(SINCH_WEBHOOK_SECRET);

      expect(Object.keys(channel.webhookUrls)).toEqual(['callback']);
      const match = new RegExp(`^${PUBLIC_BASE_URL}/api/v1/webhooks/sinch-sms/${channel.id}/([^/]+)$`).exec(
        channel.webhookUrls.callback!,
      );
      expect(match).not.toBeNull();
      expect(match![1].length).toBeGreaterThanOrEqual(20);
    });

    it('gives every sinch-sms channel its own webhook token', async () => {
      const first = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
      const second = await createChannel(sut, admin, sinchSmsChannel(sinchSms));

      const token = (channel: ChannelView) => channel.webhookUrls.callback!.split('/').pop();
      expect(token(first)).not.toEqual(token(second));
    });

    it('creates a sinch-conversation channel with a callback URL and masked secrets', async () => {
      const response = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send(sinchConversationChannel(conversation))
        .expect(201);
      const channel = response.body as ChannelView;

      expect(channel.config).toMatchObject({
        projectId: conversation.projectId,
        appId: conversation.appId,
        keyId: conversation.keyId,
        channel: 'SMS',
      });
      expect(channel.config.keySecret).toMatch(/^••••/);
      expect(channel.config.webhookSecret).toMatch(/^••••/);
      expect(response.text).not.toContain(conversation.keySecret);
      expect(response.text).not.toContain(CONVERSATION_WEBHOOK_SECRET);
      expect(channel.webhookUrls).toEqual({
        callback: `${PUBLIC_BASE_URL}/api/v1/webhooks/sinch-conversation/${channel.id}`,
      });
    });

    it('creates a plivo channel with inbound and status URLs and a masked auth token', async () => {
      const response = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send(plivoChannel(plivo))
        .expect(201);
      const channel = response.body as ChannelView;

      expect(channel.config).toMatchObject({ authId: plivo.authId });
      expect(channel.config.authToken).toMatch(/^••••/);
      expect(response.text).not.toContain(plivo.authToken);
      expect(channel.webhookUrls).toEqual({
        inbound: `${PUBLIC_BASE_URL}/api/v1/webhooks/plivo/${channel.id}/inbound`,
        status: `${PUBLIC_BASE_URL}/api/v1/webhooks/plivo/${channel.id}/status`,
      });
    });

    it('creates a sandbox channel whose generated signing secret is never shown', async () => {
      const response = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send(sandboxChannel({ failurePrefixes: ['+1555'] }))
        .expect(201);
      const channel = response.body as ChannelView;

      expect(channel.config).toEqual({ deliveryDelayMs: 200, failurePrefixes: ['+1555'] });
      expect(channel.webhookUrls).toEqual({
        callback: `${PUBLIC_BASE_URL}/api/v1/webhooks/sandbox/${channel.id}`,
      });
      const secrets = sut.app
        .get(SecretBox)
        .openJson<Record<string, string>>((await storedRow(channel.id)).encrypted_secrets);
      expect(secrets.webhookSecret).toEqual(expect.any(String));
      expect(response.text).not.toContain(secrets.webhookSecret);
    });

    it('shows the same masks on GET and in the list', async () => {
      const created = await createChannel(sut, admin, plivoChannel(plivo));

      const one = await sut.http.get(`/api/v1/channels/${created.id}`).set(bearer(admin)).expect(200);
      const list = await sut.http.get('/api/v1/channels?limit=200').set(bearer(admin)).expect(200);

      expect(one.body).toEqual(created);
      expect((list.body as { items: ChannelView[] }).items).toContainEqual(created);
      expect(one.text).not.toContain(plivo.authToken);
      expect(list.text).not.toContain(plivo.authToken);
    });
  });

  describe('listing', () => {
    it('pages newest first with limit and cursor, without repeating a channel', async () => {
      const created: ChannelView[] = [];
      for (let i = 0; i < 3; i++) created.push(await createChannel(sut, admin, sandboxChannel()));
      const wanted = created.map((c) => c.id).reverse();

      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100 && seen.filter((id) => wanted.includes(id)).length < 3; page++) {
        const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const response = await sut.http.get(`/api/v1/channels${query}`).set(bearer(agent)).expect(200);
        const body = response.body as { items: ChannelView[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((c) => c.id));
        cursor = body.nextCursor;
        if (!cursor) break;
      }

      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => wanted.includes(id))).toEqual(wanted);
    });

    it('answers 400 naming the field for a limit above 200 or a cursor it did not issue', async () => {
      const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'not-a-uuid'])).toString(
        'base64url',
      );

      const tooMany = await sut.http.get('/api/v1/channels?limit=201').set(bearer(admin));
      const garbage = await sut.http.get('/api/v1/channels?cursor=garbage').set(bearer(admin));
      const forgedCursor = await sut.http.get(`/api/v1/channels?cursor=${forged}`).set(bearer(admin));

      expect([tooMany.status, garbage.status, forgedCursor.status]).toEqual([400, 400, 400]);
      expect(errorOf(tooMany).details).toEqual([expect.objectContaining({ field: 'limit' })]);
      expect(errorOf(forgedCursor).details).toEqual([expect.objectContaining({ field: 'cursor' })]);
    });
  });

  describe('secrets at rest', () => {
    it.each([
      [
        'sinch-sms',
        () => sinchSmsChannel(sinchSms, { webhookSecret: SINCH_WEBHOOK_SECRET }),
        () => [sinchSms.apiToken, SINCH_WEBHOOK_SECRET],
      ],
      [
        'sinch-conversation',
        () => sinchConversationChannel(conversation),
        () => [conversation.keySecret, CONVERSATION_WEBHOOK_SECRET],
      ],
      ['plivo', () => plivoChannel(plivo), () => [plivo.authToken]],
    ])('stores the %s secrets encrypted, in neither column in clear', async (_provider, input, secretsOf) => {
      const channel = await createChannel(sut, admin, input());

      const row = await storedRow(channel.id);
      const stored = `${row.encrypted_secrets} ${JSON.stringify(row.config)}`;
      for (const secret of secretsOf()) {
        expect(stored).not.toContain(secret);
        expect(stored).not.toContain(Buffer.from(secret).toString('base64'));
      }
      // ...and yet they are kept: the server's own key opens them.
      const opened = sut.app.get(SecretBox).openJson<Record<string, string>>(row.encrypted_secrets);
      expect(Object.values(opened).sort()).toEqual(secretsOf().sort());
    });
  });

  describe('validation', () => {
    it('names each bad config field as config.<field>', async () => {
      const response = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send({
          name: 'Broken',
          provider: 'sinch-sms',
          sender: '+12025550142',
          config: { servicePlanId: 'plan', region: 'mars' },
        })
        .expect(400);

      const fields = fieldsOf(response).sort();
      expect(fields).toEqual(['config.apiToken', 'config.region']);
    });

    it('refuses config fields the provider does not have, and a baseUrl with a path', async () => {
      const unknown = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send(plivoChannel(plivo, { accountSid: 'AC123' }))
        .expect(400);
      const withPath = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send(plivoChannel(plivo, { baseUrl: 'https://api.plivo.com/v1/Account' }))
        .expect(400);

      expect(errorOf(unknown).details).toEqual([expect.objectContaining({ field: 'config.accountSid' })]);
      expect(errorOf(withPath).details).toEqual([expect.objectContaining({ field: 'config.baseUrl' })]);
    });

    it('answers 400, not 500, for a name holding a NUL character', async () => {
      const response = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send({ ...sandboxChannel(), name: 'Support\u0000line' });

      expect(response.status).toBe(400);
    });

    it('answers 400 for an unknown provider', async () => {
      const response = await sut.http
        .post('/api/v1/channels')
        .set(bearer(admin))
        .send({ name: 'Twilio?', provider: 'twilio', sender: '+12025550142', config: {} })
        .expect(400);

      expect(errorOf(response).details).toEqual([expect.objectContaining({ field: 'provider' })]);
    });

    it('answers 404 for an unknown channel id and 400 for one that is not a UUID', async () => {
      await sut.http
        .get('/api/v1/channels/00000000-0000-4000-8000-000000000000')
        .set(bearer(admin))
        .expect(404);
      await sut.http.get('/api/v1/channels/not-a-uuid').set(bearer(admin)).expect(400);
    });
  });

  describe('roles', () => {
    let channel: ChannelView;

    beforeAll(async () => {
      channel = await createChannel(sut, admin, plivoChannel(plivo));
    });

    it('lets an agent read channels', async () => {
      const one = await sut.http.get(`/api/v1/channels/${channel.id}`).set(bearer(agent)).expect(200);
      await sut.http.get('/api/v1/channels').set(bearer(agent)).expect(200);

      expect(one.body).toMatchObject({ id: channel.id });
      expect(one.text).not.toContain(plivo.authToken);
    });

    it('refuses an agent creating, changing, disabling or verifying a channel with 403', async () => {
      await sut.http.post('/api/v1/channels').set(bearer(agent)).send(plivoChannel(plivo)).expect(403);
      await sut.http
        .patch(`/api/v1/channels/${channel.id}`)
        .set(bearer(agent))
        .send({ name: 'Renamed' })
        .expect(403);
      await sut.http.delete(`/api/v1/channels/${channel.id}`).set(bearer(agent)).expect(403);
      await sut.http.post(`/api/v1/channels/${channel.id}/verify`).set(bearer(agent)).expect(403);

      const after = await sut.http.get(`/api/v1/channels/${channel.id}`).set(bearer(admin)).expect(200);
      expect(after.body).toMatchObject({ name: channel.name, disabled: false });
    });

    it('answers 401 without a token', async () => {
      await sut.http.get('/api/v1/channels').expect(401);
      await sut.http.post('/api/v1/channels').send(plivoChannel(plivo)).expect(401);
    });
  });

  describe('PATCH', () => {
    it('keeps the secrets it was not given: a send after the change still authenticates with the old token', async () => {
      const channel = await createChannel(sut, admin, sinchSmsChannel(sinchSms));

      const patched = await sut.http
        .patch(`/api/v1/channels/${channel.id}`)
        .set(bearer(admin))
        .send({ name: 'Renamed SMS', config: { region: 'eu' } })
        .expect(200);
      expect(patched.body).toMatchObject({
        name: 'Renamed SMS',
        config: { region: 'eu', apiToken: channel.config.apiToken },
      });

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'after the patch',
      });

      expect(sent.status).toBe('sent');
      expect(sinchSms.requests).toHaveLength(1);
      expect(sinchSms.requests[0].headers.authorization).toBe(`Bearer ${sinchSms.apiToken}`);
    });

    it('replaces a secret it is given: a wrong new token fails the next send with the provider refusal', async () => {
      const channel = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
      await sut.http
        .patch(`/api/v1/channels/${channel.id}`)
        .set(bearer(admin))
        .send({ config: { apiToken: 'a-rotated-but-wrong-token' } })
        .expect(200);

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'after the rotation',
      });
      const message = await waitForMessageStatus(sut, admin, sent.id, 'failed');

      expect(sinchSms.requests.at(-1)?.headers.authorization).toBe('Bearer a-rotated-but-wrong-token');
      expect(message.statusReason).toMatch(/credentials/i);
      expect(message.errorCode).toBe('401');
    });

    it('validates the merged config', async () => {
      const channel = await createChannel(sut, admin, sinchSmsChannel(sinchSms));

      const response = await sut.http
        .patch(`/api/v1/channels/${channel.id}`)
        .set(bearer(admin))
        .send({ config: { region: 'moon' } })
        .expect(400);

      expect(errorOf(response).details).toEqual([expect.objectContaining({ field: 'config.region' })]);
    });

    it('keeps the sandbox signing secret, so its reports still arrive', async () => {
      const channel = await createChannel(sut, admin, sandboxChannel());
      await sut.http
        .patch(`/api/v1/channels/${channel.id}`)
        .set(bearer(admin))
        .send({ config: { deliveryDelayMs: 50 } })
        .expect(200);

      const sent = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'sandbox after patch',
      });

      await waitForMessageStatus(sut, admin, sent.id, 'delivered');
    });
  });

  describe('DELETE', () => {
    it('disables the channel: 204, still readable with disabled: true, sending through it → 409', async () => {
      const channel = await createChannel(sut, admin, sinchSmsChannel(sinchSms));
      const before = await sendMessage(sut, admin, {
        channelId: channel.id,
        to: randomPhone(),
        text: 'before',
      });

      await sut.http.delete(`/api/v1/channels/${channel.id}`).set(bearer(admin)).expect(204);

      const after = await sut.http.get(`/api/v1/channels/${channel.id}`).set(bearer(admin)).expect(200);
      expect(after.body).toMatchObject({ id: channel.id, disabled: true });
      const refused = await sut.http
        .post('/api/v1/messages')
        .set(bearer(admin))
        .send({ channelId: channel.id, to: randomPhone(), text: 'after' })
        .expect(409);
      expect(refused.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(sinchSms.requests).toHaveLength(1);
      // History stays.
      expect(await getMessage(sut, admin, before.id)).toMatchObject({ channelId: channel.id });
    });

    it('answers 404 for an unknown channel', async () => {
      await sut.http
        .delete('/api/v1/channels/00000000-0000-4000-8000-000000000000')
        .set(bearer(admin))
        .expect(404);
    });
  });

  describe('POST /channels/:id/verify', () => {
    it.each([
      [
        'sinch-sms',
        () => sinchSmsChannel(sinchSms),
        () => sinchSmsChannel(sinchSms, { apiToken: 'not-the-right-token' }),
      ],
      [
        'sinch-conversation',
        () => sinchConversationChannel(conversation),
        () => sinchConversationChannel(conversation, { keySecret: 'not-the-right-secret' }),
      ],
      ['plivo', () => plivoChannel(plivo), () => plivoChannel(plivo, { authToken: 'not-the-right-token' })],
    ])('%s: ok with good credentials, not ok with bad ones', async (_provider, good, bad) => {
      const goodChannel = await createChannel(sut, admin, good());
      const badChannel = await createChannel(sut, admin, bad());

      const ok = await sut.http
        .post(`/api/v1/channels/${goodChannel.id}/verify`)
        .set(bearer(admin))
        .expect(200);
      const notOk = await sut.http
        .post(`/api/v1/channels/${badChannel.id}/verify`)
        .set(bearer(admin))
        .expect(200);

      expect(ok.body).toEqual({ ok: true, detail: expect.any(String) });
      expect(notOk.body).toEqual({ ok: false, detail: expect.any(String) });
      expect(notOk.text).not.toContain('not-the-right');
    });

    it('says ok for the sandbox, which needs no credentials', async () => {
      const channel = await createChannel(sut, admin, sandboxChannel());

      const response = await sut.http
        .post(`/api/v1/channels/${channel.id}/verify`)
        .set(bearer(admin))
        .expect(200);

      expect(response.body).toMatchObject({ ok: true });
    });

    it('says not ok, without failing, when the provider cannot be reached', async () => {
      const channel = await createChannel(sut, admin, plivoChannel(plivo, { baseUrl: 'http://127.0.0.1:9' }));

      const response = await sut.http
        .post(`/api/v1/channels/${channel.id}/verify`)
        .set(bearer(admin))
        .expect(200);

      expect(response.body).toMatchObject({ ok: false });
    });

    it('answers 404 for an unknown channel', async () => {
      await sut.http
        .post('/api/v1/channels/00000000-0000-4000-8000-000000000000/verify')
        .set(bearer(admin))
        .expect(404);
    });
  });
});
