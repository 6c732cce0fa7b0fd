import { expect } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { FakePlivoServer } from '../../../../test/fakes/fake-plivo.server.js';
import { computePlivoV3Signature } from '../signatures/plivo-signature.js';
import type {
  ChannelContext,
  MessageContent,
  OutboundBatch,
  PlivoConfig,
} from '../channel-provider.interface.js';
import {
  ProviderHttpClient,
  type ProviderHttpRequest,
  type ProviderHttpResponse,
} from '../http/provider-http.client.js';
import { ProviderCredentialsError } from '../provider-errors.js';
import { PlivoProvider } from './plivo.provider.js';

const STATUS_URL = 'https://switchboard.example.com/api/v1/webhooks/plivo/ch-3/status';

const single = (content: MessageContent, to = '+14155550001'): OutboundBatch => ({
  clientReference: 'cref-1',
  recipients: [{ messageId: 'msg-1', to, content }],
});
const hello = single({ kind: 'text', text: 'Hello from Plivo' });

describe('PlivoProvider', () => {
  const fake = new FakePlivoServer();
  let sleeps: number[];
  const recordSleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  let http: ProviderHttpClient;
  let provider: PlivoProvider;

  const channel = (
    overrides: Partial<PlivoConfig> = {},
    sender = '+12025550142',
  ): ChannelContext<'plivo'> => ({
    id: 'ch-3',
    provider: 'plivo',
    sender,
    config: { authId: fake.authId, authToken: fake.authToken, baseUrl: fake.url, ...overrides },
    webhookUrls: {
      inbound: 'https://switchboard.example.com/api/v1/webhooks/plivo/ch-3/inbound',
      status: STATUS_URL,
    },
  });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    sleeps = [];
    http = new ProviderHttpClient({ sleep: recordSleep, timeoutMs: 2_000 });
    provider = new PlivoProvider(http);
  });
  afterEach(() => http.onModuleDestroy());

  it('posts the message with Basic auth, numbers without +, and the status callback', async () => {
    const results = await provider.send(channel(), hello);

    expect(fake.messageRequests).toHaveLength(1);
    const [request] = fake.messageRequests;
    expect(request.path).toBe(`/v1/Account/${fake.authId}/Message/`);
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.authId}:${fake.authToken}`).toString('base64')}`,
    );
    expect(request.body).toEqual({
      src: '12025550142',
      dst: '14155550001',
      text: 'Hello from Plivo',
      url: STATUS_URL,
      method: 'POST',
    });
    expect(results).toEqual([
      {
        messageId: 'msg-1',
        outcome: 'accepted',
        status: 'queued',
        providerMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    ]);
  });

  it('passes an alphanumeric sender id unchanged', async () => {
    await provider.send(channel({}, 'ACME'), hello);

    expect((fake.messageRequests[0].body as Record<string, unknown>).src).toBe('ACME');
  });

  it('sends media as MMS with the caption as text', async () => {
    await provider.send(
      channel(),
      single({ kind: 'media', media: { url: 'https://cdn.example.com/a.gif', caption: 'Look' } }),
    );

    expect(fake.messageRequests[0].body).toMatchObject({
      type: 'mms',
      media_urls: ['https://cdn.example.com/a.gif'],
      text: 'Look',
    });
  });

  it('sends templates as WhatsApp templates, positional keys in order and other keys as named parameters', async () => {
    await provider.send(
      channel(),
      single({
        kind: 'template',
        template: { id: 'order_update', languageCode: 'en_US', parameters: { '2': 'B', '1': 'A' } },
      }),
    );
    await provider.send(
      channel(),
      single({
        kind: 'template',
        template: { id: 'welcome', languageCode: 'en', parameters: { first_name: 'Ada' } },
      }),
    );

    expect(fake.messageRequests.map((r) => (r.body as Record<string, unknown>).template)).toEqual([
      {
        name: 'order_update',
        language: 'en_US',
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'A' },
              { type: 'text', text: 'B' },
            ],
          },
        ],
      },
      {
        name: 'welcome',
        language: 'en',
        components: [
          { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ada' }] },
        ],
      },
    ]);
    expect((fake.messageRequests[0].body as Record<string, unknown>).type).toBe('whatsapp');
  });

  it('rejects a template without a language and a non-E.164 recipient, without calling Plivo', async () => {
    const template = await provider.send(channel(), single({ kind: 'template', template: { id: 'x' } }));
    const badNumber = await provider.send(channel(), single({ kind: 'text', text: 'hi' }, '0612345678'));

    expect(template[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/languageCode/) });
    expect(badNumber[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/E\.164/) });
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects with Plivo's error text on a 400, without retrying", async () => {
    const results = await provider.send(channel({}, '+14155550001'), hello); // src equal to dst

    expect(results[0]).toEqual({
      messageId: 'msg-1',
      outcome: 'rejected',
      reason: 'src and dst cannot be same',
    });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('throws ProviderCredentialsError on 401', async () => {
    const error = await provider.send(channel({ authToken: 'bad-token' }), hello).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderCredentialsError);
    expect((error as Error).message).not.toContain('bad-token');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 500 and 429 (honouring Retry-After) before succeeding', async () => {
    fake.failWithStatus(1, 500).rateLimit(1, '1');

    const results = await provider.send(channel(), hello);

    expect(results[0].outcome).toBe('accepted');
    expect(fake.requests).toHaveLength(3);
    expect(sleeps[1]).toBe(1_000);
  });

  it('throws ProviderTransientError when Plivo stays down', async () => {
    fake.failWithStatus(4, 502);

    await expect(provider.send(channel(), hello)).rejects.toMatchObject({
      name: 'ProviderTransientError',
      httpStatus: 502,
    });
  });

  it('defaults to api.plivo.com', async () => {
    const urls: string[] = [];
    const capturing = {
      request: (request: ProviderHttpRequest): Promise<ProviderHttpResponse> => {
        urls.push(request.url);
        return Promise.resolve({
          status: 202,
          headers: {},
          body: { message_uuid: ['db3ce55a-7f1d-11e1-8ea7-1231380bc196'] },
        });
      },
    } as unknown as ProviderHttpClient;

    const results = await new PlivoProvider(capturing).send(
      channel({ baseUrl: undefined, authId: 'MA123' }),
      hello,
    );

    expect(urls).toEqual(['https://api.plivo.com/v1/Account/MA123/Message/']);
    expect(results[0]).toMatchObject({ providerMessageId: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196' });
  });

  describe('verifyCredentials', () => {
    it('reads the account', async () => {
      await expect(provider.verifyCredentials(channel())).resolves.toEqual({
        ok: true,
        detail: expect.stringMatching(/Switchboard Test/),
      });
      expect(fake.requests[0]).toMatchObject({ method: 'GET', path: `/v1/Account/${fake.authId}/` });
    });

    it('reports a wrong token without echoing it', async () => {
      const result = await provider.verifyCredentials(channel({ authToken: 'wrong-auth-token' }));

      expect(result.ok).toBe(false);
      expect(result.detail).not.toContain('wrong-auth-token');
    });
  });

  describe('webhooks', () => {
    const url = 'https://switchboard.example.com/api/v1/webhooks/plivo/ch-3/status';
    const fields = {
      MessageUUID: '3c6bb3a4-9d3f-11ee-8c90-0242ac120002',
      From: '12025550142',
      To: '14155550001',
      Status: 'delivered',
      Type: 'sms',
      Sequence: '3',
      MessageTime: '2026-01-02 03:04:05.123456',
    };
    const request = (authToken: string) => ({
      route: 'status' as const,
      rawBody: Buffer.from(new URLSearchParams(fields).toString()),
      headers: {
        'x-plivo-signature-v3': computePlivoV3Signature(authToken, url, fields, '12345678901234567890'),
        'x-plivo-signature-v3-nonce': '12345678901234567890',
      },
      publicUrl: url,
      body: fields,
    });

    it('verifies the V3 signature with the auth token over the public URL and form fields', () => {
      expect(provider.verifySignature(channel(), request(fake.authToken))).toBe(true);
      expect(provider.verifySignature(channel(), request('another-token'))).toBe(false);
    });

    it('parses callbacks into normalised events', () => {
      expect(provider.parseWebhook(channel(), request(fake.authToken))).toEqual([
        expect.objectContaining({ type: 'delivery-status', providerMessageId: fields.MessageUUID }),
      ]);
    });
  });
});
