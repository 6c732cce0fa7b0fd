import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { computeSinchSignature } from '../src/channels/providers/signatures/sinch-signature.js';
import { bodyOf } from './support/bodies.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './support/isolated-database.js';
import type { ChannelView } from './support/messaging.js';
import { bearer, createUserAndLogin, startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

describe('Webhooks while the database is down', () => {
  const secret = 'outage-webhook-secret-value';
  let database: IsolatedDatabase;
  let sut: TestApp;
  let callbackPath: string;

  beforeAll(async () => {
    database = await createIsolatedDatabase();
    sut = await startTestApp({
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    });
    const admin = await createUserAndLogin(sut, 'admin');
    const channel = await sut.http
      .post('/api/v1/channels')
      .set(bearer(admin))
      .send({
        name: 'Outage WhatsApp',
        provider: 'sinch-conversation',
        sender: '+12025550142',
        config: {
          projectId: 'p1',
          appId: 'a1',
          keyId: 'k1',
          keySecret: 'key-secret-value',
          region: 'eu',
          channel: 'WHATSAPP',
          webhookSecret: secret,
        },
      })
      .expect(201);
    callbackPath = new URL(bodyOf<ChannelView>(channel).webhookUrls.callback!).pathname;
  });
  afterAll(async () => {
    await sut.close();
    await database.destroy();
  });

  const postSignedReport = () => {
    const body = JSON.stringify({
      app_id: 'a1',
      accepted_time: new Date().toISOString(),
      message_delivery_report: {
        message_id: `m-${randomUUID()}`,
        conversation_id: 'c',
        status: 'DELIVERED',
        contact_id: 'x',
      },
    });
    const nonce = randomUUID();
    const timestamp = String(Math.floor(Date.now() / 1000));
    return sut.http
      .post(callbackPath)
      .set('Content-Type', 'application/json')
      .set('x-sinch-webhook-signature', computeSinchSignature(secret, body, nonce, timestamp))
      .set('x-sinch-webhook-signature-nonce', nonce)
      .set('x-sinch-webhook-signature-timestamp', timestamp)
      .send(body);
  };

  it('answers 503 so the provider retries, and 200 again once the database is back', async () => {
    expect((await postSignedReport()).status).toBe(200);

    await database.takeDown();
    const during = await postSignedReport();
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ statusCode: 503, requestId: expect.any(String) });

    await database.bringUp();
    // The provider keeps retrying; one of its retries is accepted once the pool reconnects.
    await waitFor(
      async () => (await postSignedReport()).status,
      (status) => status === 200,
      { description: 'a retried report to be accepted', timeoutMs: 15_000, intervalMs: 250 },
    );
  });
});
