import { randomBytes, randomInt, randomUUID } from 'node:crypto';

import { waitFor } from '../support/wait-for.js';
import {
  conversationDeliveryReport,
  conversationInboundMessage,
  formBody,
  pathOf,
  plivoV3Headers,
  signedSinchJson,
  sinchMoText,
  sinchRecipientReport,
} from '../support/webhooks.js';
import { type Exchange, expectStatus, type TokenPair } from './support/http-client.js';
import {
  distinctSecret,
  findLeaks,
  type Needle,
  phoneForms,
  secretNeedle,
} from './support/leak-detection.js';
import {
  channelInputs,
  createChannel,
  FakeProviders,
  newChannelSecrets,
} from './support/provider-channels.js';
import { type ServerUnderTest, startServerUnderTest } from './support/server-under-test.js';

interface IssuedToken {
  name: string;
  value: string;
  owner: string;
}

/**
 * The built server at its most verbose log level (trace), taken on a tour of everything that
 * handles a secret, a password, a token or a phone number: channels of all four providers, users
 * and sessions, contacts and messages, every provider's webhooks, a campaign, and the error paths
 * in between. Afterwards, no secret may be found in any response body or log line, no token
 * outside the response that issued it, and no phone number in any log line.
 */
describe('Secrets, tokens and phone numbers across a whole run', () => {
  const fakes = new FakeProviders(newChannelSecrets());
  const wrongSecrets = {
    smsApiToken: distinctSecret('WrongSmsApiToken'),
    conversationKeySecret: distinctSecret('WrongConvKeySecret'),
    plivoAuthToken: distinctSecret('WrongPlivoToken'),
  };
  const rotatedSmsWebhookSecret = distinctSecret('RotatedSmsWebhookSecret');
  const passwords: Record<string, string> = {
    wrongGuess: distinctSecret('WrongGuessPassword'),
    agent: distinctSecret('AgentPassword'),
    agentChanged: distinctSecret('AgentNewPassword'),
    duplicateUser: distinctSecret('DuplicateUserPassword'),
    tooShort: `Zq~${String.fromCharCode(...Array.from({ length: 4 }, () => randomInt(0x47, 0x5a)))}`,
  };
  const tokens: IssuedToken[] = [];
  /** Login and refresh responses by the user they issued tokens to: the only bodies where that user's tokens may appear. */
  const issuingResponses = new Map<string, Exchange[]>();
  const phones = new Set<string>();
  const exchanges: Exchange[] = [];
  let server: ServerUnderTest;
  let output = '';
  let smsWebhookToken = '';

  const phone = (): string => {
    const number = `+1415${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    phones.add(number);
    return number;
  };
  const issued = (owner: string, name: string, exchange: Exchange): TokenPair => {
    const pair = expectStatus<TokenPair>(exchange, 200);
    tokens.push(
      { name: `${name} access token`, value: pair.accessToken, owner },
      { name: `${name} refresh token`, value: pair.refreshToken, owner },
    );
    issuingResponses.set(owner, [...(issuingResponses.get(owner) ?? []), exchange]);
    return pair;
  };

  beforeAll(async () => {
    await fakes.start();
    server = await startServerUnderTest({ env: { LOG_LEVEL: 'trace' } });
    server.client.onExchange((exchange) => exchanges.push(exchange));
    try {
      await tour();
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- server output (end) ---\n${server.process.output().slice(-4000)}`,
        { cause: error },
      );
    }
    await server.process.stop();
    output = server.process.output();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await fakes.stop();
  });

  async function tour(): Promise<void> {
    const { client } = server;
    const admin = server.admin;

    // Sessions: logins good and bad, a password inside malformed JSON, refresh, reuse, a token in a query string.
    const first = issued(
      'admin',
      'admin login',
      await client.post('/api/v1/auth/login', { json: { email: admin.email, password: admin.password } }),
    );
    expectStatus(
      await client.post('/api/v1/auth/login', {
        json: { email: admin.email, password: passwords.wrongGuess },
      }),
      401,
    );
    expectStatus(
      await client.post('/api/v1/auth/login', {
        body: `{"email":"${admin.email}","password": ${admin.password}}`,
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectStatus(
      await client.post('/api/v1/auth/login', {
        body: `{"email":"${admin.email}","password":"${admin.password}",}`,
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectStatus(
      await client.post('/api/v1/auth/login', {
        json: { email: admin.email, password: admin.password.repeat(20) },
      }),
      400,
    );
    const session = issued(
      'admin',
      'admin refresh',
      await client.post('/api/v1/auth/refresh', { json: { refreshToken: first.refreshToken } }),
    );
    expectStatus(
      await client.post('/api/v1/auth/refresh', { json: { refreshToken: first.refreshToken } }),
      401,
    );
    const adminSession = issued(
      'admin',
      'admin second login',
      await client.post('/api/v1/auth/login', { json: { email: admin.email, password: admin.password } }),
    );
    const token = adminSession.accessToken;
    expectStatus(await client.get('/api/v1/auth/me', { token: session.accessToken }), 200);
    expectStatus(await client.get('/api/v1/auth/me', { token: adminSession.refreshToken }), 401);
    expectStatus(await client.get(`/api/v1/channels?access_token=${encodeURIComponent(token)}`), 401);
    const stream = await openStream(`/api/v1/conversations/stream?access_token=${encodeURIComponent(token)}`);

    // Users with passwords: created, refused as a duplicate and as too short, changed, used.
    const agentEmail = `agent-${randomBytes(5).toString('hex')}@example.com`;
    const agent = expectStatus<{ id: string }>(
      await client.post('/api/v1/users', {
        json: { email: agentEmail, password: passwords.agent, role: 'agent' },
        token,
      }),
      201,
    );
    expectStatus(
      await client.post('/api/v1/users', {
        json: { email: agentEmail, password: passwords.duplicateUser, role: 'agent' },
        token,
      }),
      409,
    );
    expectStatus(
      await client.post('/api/v1/users', {
        json: { email: `short-${agentEmail}`, password: passwords.tooShort, role: 'agent' },
        token,
      }),
      400,
    );
    expectStatus(
      await client.patch(`/api/v1/users/${agent.id}`, { json: { password: passwords.agentChanged }, token }),
      200,
    );
    expectStatus(
      await client.post('/api/v1/auth/login', { json: { email: agentEmail, password: passwords.agent } }),
      401,
    );
    const agentSession = issued(
      'agent',
      'agent login',
      await client.post('/api/v1/auth/login', {
        json: { email: agentEmail, password: passwords.agentChanged },
      }),
    );
    expectStatus(await client.get('/api/v1/users', { token: agentSession.accessToken }), 403);

    // Channels of every provider with known secrets, channels with wrong secrets, refused configurations.
    const inputs = channelInputs(fakes);
    const sms = await createChannel(client, token, inputs.sinchSms);
    smsWebhookToken = new URL(sms.webhookUrls.callback!).pathname.split('/').pop()!;
    const conv = await createChannel(client, token, inputs.sinchConversation);
    const plivo = await createChannel(client, token, inputs.plivo);
    const sandbox = await createChannel(client, token, {
      ...inputs.sandbox,
      config: { deliveryDelayMs: 50, failurePrefixes: ['+1202555'] },
    });
    const wrongSms = await createChannel(client, token, {
      ...inputs.sinchSms,
      name: 'wrong sms',
      config: { ...inputs.sinchSms.config, apiToken: wrongSecrets.smsApiToken },
    });
    const wrongConv = await createChannel(client, token, {
      ...inputs.sinchConversation,
      name: 'wrong conversation',
      config: { ...inputs.sinchConversation.config, keySecret: wrongSecrets.conversationKeySecret },
    });
    const wrongPlivo = await createChannel(client, token, {
      ...inputs.plivo,
      name: 'wrong plivo',
      config: { ...inputs.plivo.config, authToken: wrongSecrets.plivoAuthToken },
    });
    for (const channel of [sms, conv, plivo, sandbox, wrongSms, wrongConv, wrongPlivo]) {
      phones.add(channel.sender);
      expectStatus(await client.post(`/api/v1/channels/${channel.id}/verify`, { token }), 200);
      expectStatus(await client.get(`/api/v1/channels/${channel.id}`, { token }), 200);
    }
    expectStatus(await client.get('/api/v1/channels?limit=200', { token }), 200);
    expectStatus(
      await client.patch(`/api/v1/channels/${sms.id}`, {
        json: { config: { webhookSecret: rotatedSmsWebhookSecret } },
        token,
      }),
      200,
    );
    const secrets = fakes.secrets;
    expectStatus(
      await client.post('/api/v1/channels', {
        json: { ...inputs.sinchSms, config: { apiToken: secrets.smsApiToken, region: 'mars' } },
        token,
      }),
      400,
    );
    expectStatus(
      await client.post('/api/v1/channels', {
        json: {
          ...inputs.plivo,
          config: { authToken: secrets.plivoAuthToken, extra: secrets.plivoAuthToken },
        },
        token,
      }),
      400,
    );
    expectStatus(
      await client.patch(`/api/v1/channels/${conv.id}`, {
        json: { config: { keySecret: 42, webhookSecret: { value: secrets.conversationWebhookSecret } } },
        token,
      }),
      400,
    );
    expectStatus(
      await client.post('/api/v1/channels', {
        body: `{"name":"x","provider":"sinch-sms","sender":"+12025550142","config":{"apiToken": ${secrets.smsApiToken}}}`,
        headers: { 'content-type': 'application/json' },
        token,
      }),
      400,
    );

    // Contacts with phone numbers in every form, and the error paths around them.
    const contactPhone = phone();
    const contact = expectStatus<{ id: string }>(
      await client.post('/api/v1/contacts', {
        json: { phone: contactPhone, name: 'Tour contact', tags: ['tour'] },
        token,
      }),
      201,
    );
    const national = phone();
    const nationalFormatted = `(${national.slice(2, 5)}) ${national.slice(5, 8)}-${national.slice(8)}`;
    const second = expectStatus<{ id: string }>(
      await client.post('/api/v1/contacts', {
        json: { phone: nationalFormatted, defaultCountry: 'US', tags: ['tour'] },
        token,
      }),
      201,
    );
    expectStatus(
      await client.post('/api/v1/contacts', {
        json: { phone: contactPhone.slice(1), defaultCountry: 'US' },
        token,
      }),
      409,
    );
    expectStatus(await client.post('/api/v1/contacts', { json: { phone: phone().slice(0, 8) }, token }), 400);
    const changedPhone = phone();
    expectStatus(
      await client.patch(`/api/v1/contacts/${second.id}`, { json: { phone: changedPhone }, token }),
      200,
    );
    expectStatus(
      await client.get(`/api/v1/contacts?search=${encodeURIComponent(contactPhone)}`, { token }),
      200,
    );
    expectStatus(await client.get(`/api/v1/contacts?search=${changedPhone.slice(1)}`, { token }), 200);
    expectStatus(await client.get(`/api/v1/contacts/${encodeURIComponent(contactPhone)}`, { token }), 400);
    expectStatus(await client.get(`/api/v1/messages/${changedPhone.slice(1)}`, { token }), 400);
    const csv = `phone,name,tags\n${phone()},Imported One,imported\n${phone().slice(1)},Imported Two,imported\n${phone().slice(0, 7)},Broken,imported\n`;
    expectStatus(
      await client.post('/api/v1/contacts/import?defaultCountry=US', {
        body: `--B\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--B--\r\n`,
        headers: { 'content-type': 'multipart/form-data; boundary=B' },
        token,
      }),
      200,
    );
    expectStatus(await client.post(`/api/v1/contacts/${second.id}/opt-out`, { token }), 200);
    expectStatus(await client.post(`/api/v1/contacts/${second.id}/opt-in`, { token }), 200);

    // Sends on every provider, through wrong credentials, to a failing number, with bad input.
    const send = async (channelId: string, to: string, text = 'hello from the secrets tour') =>
      expectStatus<{ id: string }>(
        await client.post('/api/v1/messages', { json: { channelId, to, text }, token }),
        202,
      );
    fakes.sinchSms.failWithStatus(1, 500);
    const smsTo = phone();
    const smsSent = await send(sms.id, smsTo);
    const convTo = phone();
    const convSent = await send(conv.id, convTo);
    const plivoTo = phone();
    const plivoSent = await send(plivo.id, plivoTo);
    const wrongSent = await Promise.all(
      [wrongSms, wrongConv, wrongPlivo].map((channel) => send(channel.id, phone())),
    );
    const sandboxSent = await send(sandbox.id, phone());
    const failingNumber = `+1202555${String(randomInt(0, 10_000)).padStart(4, '0')}`;
    phones.add(failingNumber);
    const sandboxFailed = await send(sandbox.id, failingNumber);
    expectStatus(
      await client.post('/api/v1/messages', {
        json: { channelId: sms.id, to: phone().slice(0, 9), text: 'bad number' },
        token,
      }),
      400,
    );
    await client.post('/api/v1/messages', {
      json: { channelId: sandbox.id, to: phone(), text: 'NUL\u0000in a text' },
      token,
    });

    // Webhooks in each provider's wire format, genuine and forged.
    const smsCallback = pathOf(sms.webhookUrls.callback!);
    const smsReport = signedSinchJson(
      rotatedSmsWebhookSecret,
      sinchRecipientReport({
        batchId: fakes.sinchSms.batches[0].id,
        recipient: smsTo,
        status: 'Delivered',
        clientReference: fakes.sinchSms.batches[0].client_reference,
      }),
    );
    expectStatus(await client.post(smsCallback, { body: smsReport.body, headers: smsReport.headers }), 200);
    const smsInbound = signedSinchJson(
      rotatedSmsWebhookSecret,
      sinchMoText({ from: phone(), to: sms.sender, body: 'inbound over sinch sms' }),
    );
    expectStatus(await client.post(smsCallback, { body: smsInbound.body, headers: smsInbound.headers }), 200);
    const staleSecret = signedSinchJson(
      secrets.smsWebhookSecret,
      sinchMoText({ from: phone(), to: sms.sender, body: 'signed with the old secret' }),
    );
    expectStatus(
      await client.post(smsCallback, { body: staleSecret.body, headers: staleSecret.headers }),
      401,
    );
    expectStatus(
      await client.post(`/api/v1/webhooks/sinch-sms/${sms.id}/not-the-token`, {
        body: smsInbound.body,
        headers: smsInbound.headers,
      }),
      401,
    );
    const nulInbound = signedSinchJson(
      rotatedSmsWebhookSecret,
      sinchMoText({ from: phone(), to: sms.sender, body: 'NUL\u0000in an inbound text' }),
    );
    await client.post(smsCallback, { body: nulInbound.body, headers: nulInbound.headers });

    const convCallback = pathOf(conv.webhookUrls.callback!);
    const convIds = { appId: fakes.conversation.appId, projectId: fakes.conversation.projectId };
    const convReport = signedSinchJson(
      secrets.conversationWebhookSecret,
      conversationDeliveryReport({
        ...convIds,
        messageId: fakes.conversation.accepted[0].messageId,
        status: 'DELIVERED',
        channel: 'SMS',
        identity: convTo,
      }),
    );
    expectStatus(
      await client.post(convCallback, { body: convReport.body, headers: convReport.headers }),
      200,
    );
    const convInbound = signedSinchJson(
      secrets.conversationWebhookSecret,
      conversationInboundMessage({ ...convIds, channel: 'SMS', identity: phone(), text: 'HELP' }),
    );
    expectStatus(
      await client.post(convCallback, { body: convInbound.body, headers: convInbound.headers }),
      200,
    );
    const forged = signedSinchJson('not-the-secret', JSON.parse(convInbound.body) as unknown);
    expectStatus(await client.post(convCallback, { body: forged.body, headers: forged.headers }), 401);
    const malformed = signedSinchJson(secrets.conversationWebhookSecret, {
      message_delivery_report: {
        status: 'DELIVERED',
        channel_identity: { channel: 'SMS', identity: phone() },
      },
    });
    expectStatus(await client.post(convCallback, { body: malformed.body, headers: malformed.headers }), 400);

    const plivoUuid = await waitFor(
      async () =>
        (await client.get(`/api/v1/messages/${plivoSent.id}`, { token })).json as {
          providerMessageId: string | null;
        },
      (message) => message.providerMessageId !== null,
      { description: 'the Plivo message to be sent' },
    );
    const statusParams = {
      MessageUUID: plivoUuid.providerMessageId!,
      Status: 'delivered',
      To: plivoTo.slice(1),
      From: plivo.sender.slice(1),
    };
    const statusUrl = plivo.webhookUrls.status!;
    expectStatus(
      await client.post(pathOf(statusUrl), {
        body: formBody(statusParams),
        headers: plivoV3Headers(secrets.plivoAuthToken, statusUrl, statusParams),
      }),
      200,
    );
    const inboundUrl = plivo.webhookUrls.inbound!;
    const inboundParams = {
      From: phone().slice(1),
      To: plivo.sender.slice(1),
      Text: 'HELP',
      Type: 'sms',
      MessageUUID: randomUUID(),
    };
    expectStatus(
      await client.post(pathOf(inboundUrl), {
        body: formBody(inboundParams),
        headers: plivoV3Headers(secrets.plivoAuthToken, inboundUrl, inboundParams),
      }),
      200,
    );
    expectStatus(
      await client.post(pathOf(inboundUrl), {
        body: formBody(inboundParams),
        headers: plivoV3Headers(wrongSecrets.plivoAuthToken, inboundUrl, inboundParams),
      }),
      401,
    );

    // A campaign to the tour's contacts over Sinch SMS.
    const campaign = expectStatus<{ id: string }>(
      await client.post('/api/v1/campaigns', {
        json: {
          name: 'Tour campaign',
          channelId: sms.id,
          message: { text: 'Hi {{name}} at {{phone}}' },
          audience: { contactIds: [contact.id, second.id] },
        },
        token,
      }),
      201,
    );
    expectStatus(await client.post(`/api/v1/campaigns/${campaign.id}/schedule`, { json: {}, token }), 200);

    // Errors while a number is in the query string: an unknown cursor.
    const forgedCursor = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'not-a-uuid'])).toString(
      'base64url',
    );
    await client.get(`/api/v1/conversations?search=${encodeURIComponent(convTo)}&cursor=${forgedCursor}`, {
      token,
    });
    expectStatus(await client.get(`/api/v1/conversations?search=${convTo.slice(2)}`, { token }), 200);

    // Everything settles, so the run really went through these paths.
    const settled = (id: string, statuses: string[]) =>
      waitFor(
        async () => (await client.get(`/api/v1/messages/${id}`, { token })).json as { status: string },
        (message) => statuses.includes(message.status),
        { description: `message ${id} to become ${statuses.join(' or ')}`, timeoutMs: 20_000 },
      );
    await settled(smsSent.id, ['delivered']);
    await settled(convSent.id, ['delivered']);
    await settled(plivoSent.id, ['delivered']);
    await settled(sandboxSent.id, ['delivered']);
    await settled(sandboxFailed.id, ['failed']);
    for (const sent of wrongSent) await settled(sent.id, ['failed']);
    await waitFor(
      async () =>
        (await client.get(`/api/v1/campaigns/${campaign.id}`, { token })).json as { status: string },
      (view) => view.status === 'completed',
      { description: 'the tour campaign to complete', timeoutMs: 20_000 },
    );
    expectStatus(await client.delete(`/api/v1/contacts/${contact.id}`, { token }), 204);
    exchanges.push({ ...exchanges[0], path: '(event stream)', text: await stream.close() });
    expectStatus(
      await client.post('/api/v1/auth/logout', { json: { refreshToken: adminSession.refreshToken }, token }),
      204,
    );
  }

  /** A long-lived response (Server-Sent Events), read in the background until closed. */
  async function openStream(path: string): Promise<{ close(): Promise<string> }> {
    const controller = new AbortController();
    const response = await fetch(`${server.url}${path}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    let text = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body!)
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

  const secretNeedles = (): Needle[] => [
    ...Object.entries(fakes.secrets).map(([name, value]) => secretNeedle(name, value)),
    ...Object.entries(wrongSecrets).map(([name, value]) => secretNeedle(`wrong ${name}`, value)),
    secretNeedle('rotatedSmsWebhookSecret', rotatedSmsWebhookSecret),
    ...Object.entries(passwords).map(([name, value]) => secretNeedle(`password ${name}`, value)),
    secretNeedle('admin password', server.admin.password),
    { name: 'JWT_SECRET', value: server.jwtSecret, fragmentsOf: server.jwtSecret },
    { name: 'CREDENTIALS_KEY', value: server.credentialsKey, fragmentsOf: server.credentialsKey },
  ];
  const tokenNeedles = (): Needle[] => [
    ...tokens.map((token) => ({ name: token.name, value: token.value })),
    // The signature is what makes an access token usable: it must not appear on its own either.
    ...tokens
      .filter((token) => token.value.includes('.'))
      .map((token) => ({ name: `${token.name} signature`, value: token.value.split('.')[2] })),
  ];
  const logLines = () => output.split('\n');
  const bodies = () => exchanges.map((exchange) => exchange.text);

  it('went through the tour (at LOG_LEVEL=trace): requests of every kind reached the output', () => {
    expect(output).toContain('/api/v1/messages');
    expect(output).toContain('/api/v1/webhooks/plivo/');
    expect(output).toContain('/api/v1/webhooks/sinch-conversation/');
    expect(exchanges.length).toBeGreaterThan(80);
    expect(tokens.length).toBeGreaterThanOrEqual(8);
    expect(phones.size).toBeGreaterThan(20);
  });

  it('returns no channel secret, password or server key in any response body', () => {
    expect(findLeaks(bodies(), secretNeedles())).toEqual([]);
  });

  it('returns access and refresh tokens only in the login and refresh responses to their owner', () => {
    // (Two access tokens for one user signed within the same second are the same string.)
    const elsewhere = tokens.flatMap((token) =>
      exchanges
        .filter(
          (exchange) =>
            !issuingResponses.get(token.owner)?.includes(exchange) && exchange.text.includes(token.value),
        )
        .map((exchange) => `${token.name} in ${exchange.method} ${exchange.path}`),
    );
    expect(elsewhere).toEqual([]);
  });

  it('logs no channel secret, password or server key', () => {
    expect(findLeaks(logLines(), secretNeedles())).toEqual([]);
  });

  it('logs no access or refresh token and not the Sinch SMS webhook token', () => {
    expect(
      findLeaks(logLines(), [
        ...tokenNeedles(),
        { name: 'sinch-sms webhook URL token', value: smsWebhookToken },
      ]),
    ).toEqual([]);
  });

  it('logs no phone number, with or without the +, nor as national digits', () => {
    const needles = [...phones].flatMap((number) =>
      phoneForms(number).map((form) => ({ name: `${number} as ${form}`, value: form })),
    );
    expect(findLeaks(logLines(), needles)).toEqual([]);
  });
});
