import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakePlivoServer } from './fakes/fake-plivo.server.js';
import { FakeSinchConversationServer } from './fakes/fake-sinch-conversation.server.js';
import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import { WebhookReceiver } from './fakes/webhook-receiver.server.js';
import { type AppProcess, freePort, startAppProcess } from './support/app-process.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './support/isolated-database.js';
import { type ChannelView, type MessageView, randomPhone, type SendResult } from './support/messaging.js';
import { waitFor } from './support/wait-for.js';
import {
  conversationDeliveryReport,
  conversationInboundMessage,
  formBody,
  pathOf,
  plivoV3Headers,
  signedSinchJson,
  sinchMoText,
  sinchRecipientReport,
} from './support/webhooks.js';

const distinctive = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

interface Answer {
  status: number;
  text: string;
  body: unknown;
}

/**
 * The built server at LOG_LEVEL=debug, driven through every path that handles a secret or a phone
 * number: nothing of either may reach its output, and no secret may reach a response body.
 */
describe('Secrets and phone numbers stay out of the logs', () => {
  const adminEmail = `logs-admin-${randomUUID()}@example.com`;
  const adminPassword = distinctive('AdminPassword');
  const secrets = {
    smsApiToken: distinctive('SmsApiToken'),
    smsWebhookSecret: distinctive('SmsWebhookSecret'),
    conversationKeySecret: distinctive('ConvKeySecret'),
    conversationWebhookSecret: distinctive('ConvWebhookSecret'),
    plivoAuthToken: distinctive('PlivoAuthToken'),
    wrongPlivoAuthToken: distinctive('WrongPlivoToken'),
  };
  const sinchSms = new FakeSinchSmsServer({ apiToken: secrets.smsApiToken });
  const conversation = new FakeSinchConversationServer({ keySecret: secrets.conversationKeySecret });
  const plivo = new FakePlivoServer({ authToken: secrets.plivoAuthToken });
  const receiver = new WebhookReceiver();
  let endpointSecret = '';

  let database: IsolatedDatabase;
  let dataDir: string;
  let server: AppProcess;
  let output = '';
  const bodies: string[] = [];
  const tokens: string[] = [];
  const phones: string[] = [];
  let smsWebhookToken = '';

  const call = async (
    method: string,
    path: string,
    options: { json?: unknown; raw?: string; headers?: Record<string, string>; token?: string } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    bodies.push(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, text, body: parsed };
  };
  const expectStatus = (answer: Answer, status: number) => {
    if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.text}`);
    return answer;
  };
  const phone = () => {
    const number = randomPhone();
    phones.push(number);
    return number;
  };

  beforeAll(async () => {
    await Promise.all([sinchSms.start(), conversation.start(), plivo.start(), receiver.start()]);
    database = await createIsolatedDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-logs-'));
    const port = await freePort();
    server = await startAppProcess({
      PORT: String(port),
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: adminPassword,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: 'true',
      WEBHOOK_DELIVERY_INTERVAL_MS: '100',
    });

    await exercise().catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- server output (end) ---\n${server.output().slice(-4000)}`,
      );
    });

    await server.stop();
    output = server.output();
  }, 60_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) await server.stop();
    await database?.destroy();
    await Promise.all([sinchSms.stop(), conversation.stop(), plivo.stop(), receiver.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function exercise(): Promise<void> {
    // Sessions: log in, a failed login, refresh, reuse of a spent refresh token, a token in a query string.
    const login = expectStatus(
      await call('POST', '/api/v1/auth/login', { json: { email: adminEmail, password: adminPassword } }),
      200,
    );
    const first = login.body as { accessToken: string; refreshToken: string };
    tokens.push(first.accessToken, first.refreshToken);
    expectStatus(
      await call('POST', '/api/v1/auth/login', {
        json: { email: adminEmail, password: `${adminPassword}-typo` },
      }),
      401,
    );
    const refreshed = expectStatus(
      await call('POST', '/api/v1/auth/refresh', { json: { refreshToken: first.refreshToken } }),
      200,
    );
    const session = refreshed.body as { accessToken: string; refreshToken: string };
    tokens.push(session.accessToken, session.refreshToken);
    expectStatus(
      await call('POST', '/api/v1/auth/refresh', { json: { refreshToken: first.refreshToken } }),
      401,
    );
    const login2 = expectStatus(
      await call('POST', '/api/v1/auth/login', { json: { email: adminEmail, password: adminPassword } }),
      200,
    );
    const admin = login2.body as { accessToken: string; refreshToken: string };
    tokens.push(admin.accessToken, admin.refreshToken);
    const stream = await openStream(
      `/api/v1/conversations/stream?access_token=${encodeURIComponent(admin.accessToken)}`,
    );
    await call('GET', '/api/v1/auth/me', { token: admin.accessToken });
    const token = admin.accessToken;

    // API keys: created, used in the header and in a stream's query string, revoked, then refused.
    const apiKey = expectStatus(
      await call('POST', '/api/v1/api-keys', { json: { name: 'logs key', role: 'agent' }, token }),
      201,
    ).body as { id: string; key: string };
    tokens.push(apiKey.key);
    expectStatus(await call('GET', '/api/v1/conversations', { token: apiKey.key }), 200);
    expectStatus(await call('GET', '/api/v1/users', { token: apiKey.key }), 403);
    const keyStream = await openStream(
      `/api/v1/conversations/stream?access_token=${encodeURIComponent(apiKey.key)}`,
    );
    bodies.push(await keyStream.close());
    expectStatus(await call('DELETE', `/api/v1/api-keys/${apiKey.id}`, { token }), 204);

    // An event webhook endpoint on every event: its secret signs every delivery made below.
    endpointSecret = (
      expectStatus(
        await call('POST', '/api/v1/webhook-endpoints', {
          json: { url: receiver.url, events: ['*'] },
          token,
        }),
        201,
      ).body as { secret: string }
    ).secret;
    expectStatus(await call('GET', '/api/v1/conversations', { token: apiKey.key }), 401);

    // Channels for every provider, plus one with a wrong secret.
    const create = async (input: Record<string, unknown>) =>
      expectStatus(await call('POST', '/api/v1/channels', { json: input, token }), 201).body as ChannelView;
    const sms = await create({
      name: 'logs sinch-sms',
      provider: 'sinch-sms',
      sender: '+12025550142',
      config: {
        servicePlanId: sinchSms.servicePlanId,
        apiToken: secrets.smsApiToken,
        region: 'us',
        baseUrl: sinchSms.url,
        webhookSecret: secrets.smsWebhookSecret,
      },
    });
    smsWebhookToken = sms.webhookUrls.callback!.split('/').pop()!;
    const conv = await create({
      name: 'logs sinch-conversation',
      provider: 'sinch-conversation',
      sender: '+12025550143',
      config: {
        projectId: conversation.projectId,
        appId: conversation.appId,
        keyId: conversation.keyId,
        keySecret: secrets.conversationKeySecret,
        region: 'us',
        channel: 'SMS',
        webhookSecret: secrets.conversationWebhookSecret,
        baseUrl: conversation.url,
        authUrl: conversation.url,
      },
    });
    const plivoChannel = await create({
      name: 'logs plivo',
      provider: 'plivo',
      sender: '+12025550144',
      config: { authId: plivo.authId, authToken: secrets.plivoAuthToken, baseUrl: plivo.url },
    });
    const wrongPlivo = await create({
      name: 'logs plivo, wrong token',
      provider: 'plivo',
      sender: '+12025550146',
      config: { authId: plivo.authId, authToken: secrets.wrongPlivoAuthToken, baseUrl: plivo.url },
    });
    const sandbox = await create({
      name: 'logs sandbox',
      provider: 'sandbox',
      sender: '+12025550145',
      config: { deliveryDelayMs: 50, failurePrefixes: ['+1202555'] },
    });
    for (const channel of [sms, conv, plivoChannel, wrongPlivo, sandbox]) {
      expectStatus(await call('POST', `/api/v1/channels/${channel.id}/verify`, { token }), 200);
      expectStatus(await call('GET', `/api/v1/channels/${channel.id}`, { token }), 200);
    }
    expectStatus(
      await call('PATCH', `/api/v1/channels/${sms.id}`, {
        json: { config: { apiToken: secrets.smsApiToken } },
        token,
      }),
      200,
    );
    expectStatus(
      await call('POST', '/api/v1/channels', {
        json: {
          name: 'bad',
          provider: 'plivo',
          sender: '+12025550147',
          config: { authToken: secrets.plivoAuthToken },
        },
        token,
      }),
      400,
    );

    // Sends: every provider, a provider 500 retried, a credentials failure, a sandbox failure, bad input.
    const send = async (channelId: string, to: string, text = 'hello from the logs test') =>
      expectStatus(await call('POST', '/api/v1/messages', { json: { channelId, to, text }, token }), 202)
        .body as SendResult;
    const get = async (id: string) =>
      expectStatus(await call('GET', `/api/v1/messages/${id}`, { token }), 200).body as MessageView;
    sinchSms.failWithStatus(1, 500);
    const smsTo = phone();
    const smsSent = await send(sms.id, smsTo);
    const convTo = phone();
    const convSent = await send(conv.id, convTo);
    const plivoTo = phone();
    const plivoSent = await send(plivoChannel.id, plivoTo);
    const wrongSent = await send(wrongPlivo.id, phone());
    const sandboxSent = await send(sandbox.id, phone());
    const failingNumber = `+1202555${randomPhone().slice(-4)}`;
    phones.push(failingNumber);
    const sandboxFailed = await send(sandbox.id, failingNumber);
    const invalid = randomPhone().slice(0, 7);
    expectStatus(
      await call('POST', '/api/v1/messages', {
        json: { channelId: sms.id, to: invalid, text: 'bad number' },
        token,
      }),
      400,
    );

    // Webhooks: delivery reports and inbound messages in each provider's wire format, and forgeries.
    const smsReport = signedSinchJson(
      secrets.smsWebhookSecret,
      sinchRecipientReport({
        batchId: sinchSms.batches[0].id,
        recipient: smsTo,
        status: 'Delivered',
        clientReference: smsSent.clientReference,
      }),
    );
    expectStatus(
      await call('POST', pathOf(sms.webhookUrls.callback!), {
        raw: smsReport.body,
        headers: smsReport.headers,
      }),
      200,
    );
    const smsInbound = signedSinchJson(
      secrets.smsWebhookSecret,
      sinchMoText({ from: phone(), to: sms.sender, body: 'inbound over sinch sms' }),
    );
    expectStatus(
      await call('POST', pathOf(sms.webhookUrls.callback!), {
        raw: smsInbound.body,
        headers: smsInbound.headers,
      }),
      200,
    );
    expectStatus(
      await call('POST', pathOf(sms.webhookUrls.callback!), {
        raw: smsInbound.body,
        headers: { 'content-type': 'application/json' },
      }),
      401,
    );
    expectStatus(
      await call('POST', `/api/v1/webhooks/sinch-sms/${sms.id}/wrong-token`, {
        raw: smsInbound.body,
        headers: smsInbound.headers,
      }),
      401,
    );

    const convReport = signedSinchJson(
      secrets.conversationWebhookSecret,
      conversationDeliveryReport({
        appId: conversation.appId,
        projectId: conversation.projectId,
        messageId: conversation.accepted[0].messageId,
        status: 'DELIVERED',
        channel: 'SMS',
        identity: convTo,
      }),
    );
    expectStatus(
      await call('POST', pathOf(conv.webhookUrls.callback!), {
        raw: convReport.body,
        headers: convReport.headers,
      }),
      200,
    );
    const convInbound = signedSinchJson(
      secrets.conversationWebhookSecret,
      conversationInboundMessage({
        appId: conversation.appId,
        projectId: conversation.projectId,
        channel: 'SMS',
        identity: phone(),
        text: 'inbound over conversation',
      }),
    );
    expectStatus(
      await call('POST', pathOf(conv.webhookUrls.callback!), {
        raw: convInbound.body,
        headers: convInbound.headers,
      }),
      200,
    );
    const forged = signedSinchJson('not-the-secret', JSON.parse(convInbound.body) as unknown);
    expectStatus(
      await call('POST', pathOf(conv.webhookUrls.callback!), { raw: forged.body, headers: forged.headers }),
      401,
    );
    const malformed = signedSinchJson(secrets.conversationWebhookSecret, {
      message_delivery_report: {
        status: 'DELIVERED',
        channel_identity: { channel: 'SMS', identity: phone() },
      },
    });
    expectStatus(
      await call('POST', pathOf(conv.webhookUrls.callback!), {
        raw: malformed.body,
        headers: malformed.headers,
      }),
      400,
    );

    const plivoUuid = (await get(plivoSent.id)).providerMessageId!;
    const statusParams = {
      MessageUUID: plivoUuid,
      Status: 'delivered',
      To: plivoTo.slice(1),
      From: '12025550144',
    };
    const statusUrl = plivoChannel.webhookUrls.status!;
    expectStatus(
      await call('POST', pathOf(statusUrl), {
        raw: formBody(statusParams),
        headers: plivoV3Headers(secrets.plivoAuthToken, statusUrl, statusParams),
      }),
      200,
    );
    const inboundUrl = plivoChannel.webhookUrls.inbound!;
    const inboundParams = {
      From: phone().slice(1),
      To: '12025550144',
      Text: 'inbound over plivo',
      Type: 'sms',
      MessageUUID: randomUUID(),
    };
    expectStatus(
      await call('POST', pathOf(inboundUrl), {
        raw: formBody(inboundParams),
        headers: plivoV3Headers(secrets.plivoAuthToken, inboundUrl, inboundParams),
      }),
      200,
    );
    expectStatus(
      await call('POST', pathOf(inboundUrl), {
        raw: formBody(inboundParams),
        headers: plivoV3Headers('wrong', inboundUrl, inboundParams),
      }),
      401,
    );

    // Input the database refuses (a NUL character in a text): whatever the answer, the error path must not log the numbers.
    await call('POST', '/api/v1/messages', {
      json: { channelId: sandbox.id, to: phone(), text: 'NUL\u0000in a text' },
      token,
    });
    const nulInbound = signedSinchJson(
      secrets.smsWebhookSecret,
      sinchMoText({ from: phone(), to: sms.sender, body: 'NUL\u0000in an inbound text' }),
    );
    await call('POST', pathOf(sms.webhookUrls.callback!), {
      raw: nulInbound.body,
      headers: nulInbound.headers,
    });

    // Looking a recipient up by number: the request line must not carry it.
    expectStatus(await call('GET', `/api/v1/contacts?search=${encodeURIComponent(smsTo)}`, { token }), 200);
    // An internal error while a number is a query parameter (a list cursor the server did not issue):
    // whatever the answer, the error log must not carry the number either.
    const forgedCursor = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'not-a-uuid'])).toString(
      'base64url',
    );
    await call('GET', `/api/v1/conversations?search=${encodeURIComponent(convTo)}&cursor=${forgedCursor}`, {
      token,
    });

    // Everything settles as it should: the run really went through these paths.
    const settled = async (id: string, status: string) =>
      waitFor(
        () => get(id),
        (message) => message.status === status,
        { description: `message ${id} ${status}`, timeoutMs: 20_000 },
      );
    await settled(smsSent.id, 'delivered');
    await settled(convSent.id, 'delivered');
    await settled(plivoSent.id, 'delivered');
    await settled(sandboxSent.id, 'delivered');
    await settled(sandboxFailed.id, 'failed');
    await settled(wrongSent.id, 'failed');

    await waitFor(
      () => receiver.received.length,
      (count) => count >= 6,
      { description: 'event webhooks delivered' },
    );
    bodies.push(await stream.close());
    expectStatus(
      await call('POST', '/api/v1/auth/logout', { json: { refreshToken: admin.refreshToken }, token }),
      204,
    );
  }

  /** A long-lived response (Server-Sent Events): read in the background until closed. */
  async function openStream(path: string): Promise<{ close(): Promise<string> }> {
    const controller = new AbortController();
    let text = '';
    const response = await fetch(`${server.url}${path}`, { signal: controller.signal }).catch(
      () => undefined,
    );
    const reading = (async () => {
      if (!response?.body) return;
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body)
          text += decoder.decode(chunk as Uint8Array, { stream: true });
      } catch {
        // aborted by close()
      }
    })();
    return {
      close: async () => {
        controller.abort();
        await reading;
        return text;
      },
    };
  }

  /** Each needle found, named, with the start of the first output line holding it (to find the culprit). */
  const leaks = (haystack: string, needles: Record<string, string>) =>
    Object.entries(needles)
      .filter(([, needle]) => needle.length > 0 && haystack.includes(needle))
      .map(([name, needle]) => {
        const line = haystack.split('\n').find((candidate) => candidate.includes(needle)) ?? '';
        return `${name} in: ${line.slice(0, 300)}`;
      });

  it('captured the run: request lines at debug level reached the output', () => {
    expect(output).toContain('/api/v1/messages');
    expect(output).toContain('/api/v1/webhooks/');
  });

  it('logs no channel secret and not the admin password', () => {
    expect(leaks(output, { ...secrets, adminPassword })).toEqual([]);
  });

  it('logs no access or refresh token, no API key, no event webhook secret and not the sinch-sms webhook token', () => {
    const named = Object.fromEntries(tokens.map((value, index) => [`token #${index}`, value]));
    expect(leaks(output, { ...named, smsWebhookToken, endpointSecret })).toEqual([]);
  });

  it('logs no full recipient or sender phone number, with or without the +', () => {
    const named = Object.fromEntries(
      phones.flatMap((number) => [
        [number, number],
        [`${number} without +`, number.slice(1)],
      ]),
    );
    expect(leaks(output, named)).toEqual([]);
  });

  it('returns no secret in any response body', () => {
    expect(bodies.length).toBeGreaterThan(30);
    expect(leaks(bodies.join('\n'), { ...secrets, adminPassword })).toEqual([]);
  });
});
