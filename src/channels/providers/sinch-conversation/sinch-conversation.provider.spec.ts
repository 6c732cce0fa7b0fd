import { expect } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { FakeSinchConversationServer } from '../../../../test/fakes/fake-sinch-conversation.server.js';
import { computeSinchSignature } from '../signatures/sinch-signature.js';
import type {
  ChannelContext,
  MessageContent,
  OutboundBatch,
  SinchConversationConfig,
} from '../channel-provider.interface.js';
import {
  ProviderHttpClient,
  type ProviderHttpRequest,
  type ProviderHttpResponse,
} from '../http/provider-http.client.js';
import { ProviderCredentialsError } from '../provider-errors.js';
import { SinchConversationProvider } from './sinch-conversation.provider.js';
import { SinchOAuthTokenProvider } from './sinch-oauth.token-provider.js';

const WEBHOOK_SECRET = 'conversation-webhook-secret';

const single = (content: MessageContent, n = 1, clientReference = `cref-${n}`): OutboundBatch => ({
  clientReference,
  recipients: [{ messageId: `msg-${n}`, to: `+1415555${String(n).padStart(4, '0')}`, content }],
});
const hello = (n = 1): OutboundBatch => single({ kind: 'text', text: 'Hello there' }, n);

describe('SinchConversationProvider', () => {
  const fake = new FakeSinchConversationServer();
  let sleeps: number[];
  const recordSleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  let http: ProviderHttpClient;
  let provider: SinchConversationProvider;

  const channel = (
    overrides: Partial<SinchConversationConfig> = {},
  ): ChannelContext<'sinch-conversation'> => ({
    id: 'ch-2',
    provider: 'sinch-conversation',
    sender: 'WhatsApp business',
    config: {
      projectId: fake.projectId,
      appId: fake.appId,
      keyId: fake.keyId,
      keySecret: fake.keySecret,
      region: 'eu',
      channel: 'WHATSAPP',
      webhookSecret: WEBHOOK_SECRET,
      baseUrl: fake.url,
      authUrl: fake.url,
      ...overrides,
    },
    webhookUrls: { callback: 'https://switchboard.example.com/api/v1/webhooks/sinch-conversation/ch-2' },
  });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.tokenTtlSeconds = 3600;
    sleeps = [];
    http = new ProviderHttpClient({ sleep: recordSleep, timeoutMs: 2_000 });
    provider = new SinchConversationProvider(http, new SinchOAuthTokenProvider(http));
  });
  afterEach(() => http.onModuleDestroy());

  describe('send', () => {
    it('sends a text to the E.164 identity with the app id and correlation id, and returns the message id', async () => {
      const results = await provider.send(channel(), hello());

      expect(fake.sendRequests).toHaveLength(1);
      const [request] = fake.sendRequests;
      expect(request.path).toBe(`/v1/projects/${fake.projectId}/messages:send`);
      expect(request.headers.authorization).toMatch(/^Bearer fake\./);
      expect(request.body).toEqual({
        app_id: fake.appId,
        recipient: {
          identified_by: { channel_identities: [{ channel: 'WHATSAPP', identity: '+14155550001' }] },
        },
        message: { text_message: { text: 'Hello there' } },
        correlation_id: 'cref-1',
      });
      expect(results).toEqual([
        {
          messageId: 'msg-1',
          outcome: 'accepted',
          status: 'queued',
          providerMessageId: fake.accepted[0].messageId,
        },
      ]);
    });

    it('gets its token by client credentials with Basic keyId:keySecret', async () => {
      await provider.send(channel(), hello());

      const [tokenRequest] = fake.tokenRequests;
      const basic = Buffer.from(`${fake.keyId}:${fake.keySecret}`).toString('base64');
      expect(tokenRequest.headers.authorization).toBe(`Basic ${basic}`);
      expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(tokenRequest.rawBody).toBe('grant_type=client_credentials');
    });

    it('reuses the token across sends', async () => {
      for (let n = 1; n <= 5; n++) await provider.send(channel(), hello(n));

      expect(fake.tokenRequests).toHaveLength(1);
      expect(new Set(fake.sendRequests.map((r) => r.headers.authorization)).size).toBe(1);
    });

    it('merges the token requests of concurrent sends into one', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => provider.send(channel(), hello(i + 1))),
      );

      expect(results.flat().every((r) => r.outcome === 'accepted')).toBe(true);
      expect(fake.tokenRequests).toHaveLength(1);
      expect(fake.sendRequests).toHaveLength(20);
    });

    it('stops using a token 60 s before it expires', async () => {
      fake.tokenTtlSeconds = 60;

      await provider.send(channel(), hello(1));
      await provider.send(channel(), hello(2));

      expect(fake.tokenRequests).toHaveLength(2);
    });

    it('on a 401, re-fetches the token exactly once and retries the message', async () => {
      await provider.send(channel(), hello(1));
      fake.revokeTokens();

      const results = await provider.send(channel(), hello(2));

      expect(results[0].outcome).toBe('accepted');
      expect(fake.tokenRequests).toHaveLength(2);
      expect(fake.sendRequests).toHaveLength(3);
      expect(fake.sendRequests[2].headers.authorization).not.toBe(fake.sendRequests[1].headers.authorization);
    });

    it('refreshes once when many concurrent sends hit 401 with the same stale token', async () => {
      await provider.send(channel(), hello(1));
      fake.expireTokens(); // earlier than the expires_in it promised

      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => provider.send(channel(), hello(i + 2))),
      );

      expect(results.flat().every((r) => r.outcome === 'accepted')).toBe(true);
      expect(fake.tokenRequests).toHaveLength(2);
    });

    it('throws ProviderCredentialsError when the fresh token is refused as well', async () => {
      const unauthenticated = {
        status: 401,
        body: { error: { code: 401, message: 'nope', status: 'UNAUTHENTICATED' } },
      };
      fake.respondWith(1, {
        status: 200,
        body: { access_token: 'fake.t1', expires_in: 3600, token_type: 'bearer' },
      });
      fake.respondWith(1, unauthenticated);
      fake.respondWith(1, {
        status: 200,
        body: { access_token: 'fake.t2', expires_in: 3600, token_type: 'bearer' },
      });
      fake.respondWith(1, unauthenticated);

      await expect(provider.send(channel(), hello())).rejects.toMatchObject({
        name: 'ProviderCredentialsError',
        httpStatus: 401,
      });
      expect(fake.tokenRequests).toHaveLength(2);
      expect(fake.sendRequests).toHaveLength(2);
    });

    it('throws ProviderCredentialsError, without sending, when the key secret is wrong', async () => {
      const error = await provider
        .send(channel({ keySecret: 'wrong-secret' }), hello())
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ProviderCredentialsError);
      expect((error as Error).message).not.toContain('wrong-secret');
      expect(fake.sendRequests).toHaveLength(0);
    });

    it('sends the fallback order to every listed channel, with the SMS sender', async () => {
      await provider.send(
        channel({ channelPriorityOrder: ['WHATSAPP', 'SMS'], smsSender: '+12025550142' }),
        hello(),
      );

      expect(fake.sendRequests[0].body).toMatchObject({
        recipient: {
          identified_by: {
            channel_identities: [
              { channel: 'WHATSAPP', identity: '+14155550001' },
              { channel: 'SMS', identity: '+14155550001' },
            ],
          },
        },
        channel_priority_order: ['WHATSAPP', 'SMS'],
        channel_properties: { SMS_SENDER: '+12025550142' },
      });
    });

    it('leaves out a correlation id longer than Sinch accepts', async () => {
      await provider.send(channel(), single({ kind: 'text', text: 'x' }, 1, 'r'.repeat(129)));

      expect(fake.sendRequests[0].body).not.toHaveProperty('correlation_id');
      expect(fake.accepted).toHaveLength(1);
    });

    it('sends a WhatsApp template as the channel-specific template', async () => {
      await provider.send(
        channel(),
        single({
          kind: 'template',
          template: { id: 'order_update', languageCode: 'en_US', parameters: { body: 'Ada' } },
        }),
      );

      expect((fake.sendRequests[0].body as Record<string, unknown>).message).toEqual({
        template_message: {
          channel_template: {
            WHATSAPP: { template_id: 'order_update', language_code: 'en_US', parameters: { body: 'Ada' } },
          },
        },
      });
    });

    it('rejects a WhatsApp template without a language, without calling Sinch', async () => {
      const results = await provider.send(
        channel(),
        single({ kind: 'template', template: { id: 'order_update' } }),
      );

      expect(results[0]).toMatchObject({
        outcome: 'rejected',
        reason: expect.stringMatching(/languageCode/),
      });
      expect(fake.requests).toHaveLength(0);
    });

    it('sends an omni-channel template elsewhere, defaulting the version to latest', async () => {
      await provider.send(
        channel({ channel: 'SMS' }),
        single({ kind: 'template', template: { id: 'promo', languageCode: 'en-US' } }),
      );
      await provider.send(
        channel({ channel: 'RCS' }),
        single({ kind: 'template', template: { id: 'promo', version: '3' } }, 2),
      );

      expect(fake.sendRequests.map((r) => (r.body as Record<string, unknown>).message)).toEqual([
        {
          template_message: {
            omni_template: { template_id: 'promo', version: 'latest', language_code: 'en-US' },
          },
        },
        { template_message: { omni_template: { template_id: 'promo', version: '3' } } },
      ]);
    });

    it('sends media as media_message, and captioned media as a card', async () => {
      await provider.send(
        channel(),
        single({ kind: 'media', media: { url: 'https://cdn.example.com/a.jpg' } }),
      );
      await provider.send(
        channel(),
        single(
          { kind: 'media', media: { url: 'https://cdn.example.com/b.jpg', caption: 'Your receipt' } },
          2,
        ),
      );

      expect(fake.sendRequests.map((r) => (r.body as Record<string, unknown>).message)).toEqual([
        { media_message: { url: 'https://cdn.example.com/a.jpg' } },
        {
          card_message: {
            description: 'Your receipt',
            media_message: { url: 'https://cdn.example.com/b.jpg' },
          },
        },
      ]);
    });

    it("rejects with Sinch's status and message on a 400, without retrying", async () => {
      const results = await provider.send(channel({ appId: 'some-other-app' }), hello());

      expect(results[0]).toEqual({
        messageId: 'msg-1',
        outcome: 'rejected',
        errorCode: 'INVALID_ARGUMENT',
        reason: 'Unknown app_id some-other-app',
      });
      expect(fake.sendRequests).toHaveLength(1);
    });

    it('retries a 500 and honours Retry-After on a 429', async () => {
      await provider.send(channel(), hello(1)); // token cached, so the faults hit messages:send
      fake.failWithStatus(1, 500).rateLimit(1, '2');

      const results = await provider.send(channel(), hello(2));

      expect(results[0].outcome).toBe('accepted');
      expect(fake.sendRequests).toHaveLength(4);
      expect(sleeps).toHaveLength(2);
      expect(sleeps[1]).toBe(2_000);
    });

    it('throws ProviderTransientError when the token endpoint keeps failing', async () => {
      fake.failWithStatus(4, 503);

      await expect(provider.send(channel(), hello())).rejects.toMatchObject({
        name: 'ProviderTransientError',
        httpStatus: 503,
      });
      expect(fake.sendRequests).toHaveLength(0);
    });
  });

  describe('hosts', () => {
    it.each(['us', 'eu', 'br'] as const)('uses auth.sinch.com and the %s regional host', async (region) => {
      const urls: string[] = [];
      const capturing = {
        request: (request: ProviderHttpRequest): Promise<ProviderHttpResponse> => {
          urls.push(request.url);
          const token = request.url.endsWith('/oauth2/token');
          return Promise.resolve({
            status: 200,
            headers: {},
            body: token ? { access_token: 't', expires_in: 3600 } : { message_id: 'm' },
          });
        },
      } as unknown as ProviderHttpClient;
      const regional = new SinchConversationProvider(capturing, new SinchOAuthTokenProvider(capturing));

      await regional.send(
        channel({ region, baseUrl: undefined, authUrl: undefined, projectId: 'p1' }),
        hello(),
      );

      expect(urls).toEqual([
        'https://auth.sinch.com/oauth2/token',
        `https://${region}.conversation.api.sinch.com/v1/projects/p1/messages:send`,
      ]);
    });
  });

  describe('verifyCredentials', () => {
    it('fetches a token and reads the app', async () => {
      await expect(provider.verifyCredentials(channel())).resolves.toEqual({
        ok: true,
        detail: expect.stringMatching(/reachable/),
      });
      expect(fake.requestsTo('GET', /\/apps\//)[0].path).toBe(
        `/v1/projects/${fake.projectId}/apps/${fake.appId}`,
      );
    });

    it('reports a wrong key secret without echoing it', async () => {
      const result = await provider.verifyCredentials(channel({ keySecret: 'not-the-secret' }));

      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/HTTP 401/);
      expect(result.detail).not.toContain('not-the-secret');
    });

    it('reports an unknown app', async () => {
      await expect(provider.verifyCredentials(channel({ appId: 'missing' }))).resolves.toEqual({
        ok: false,
        detail: expect.stringMatching(/not found/),
      });
    });
  });

  describe('webhooks', () => {
    const rawBody = Buffer.from(
      '{"app_id":"01EB37HMH1M6SV18BSNS3G135H","accepted_time":"2020-11-17T15:09:11.659Z","project_id":"c36f3d3d-1513-2edd-ae42-11995557ff61","message_delivery_report":{"message_id":"01EQBC1A3BEK731GY4YXEN0C2R","conversation_id":"01EPYATA64TMNZ1FV02JKF12JF","status":"QUEUED_ON_CHANNEL","contact_id":"01EXA07N79THJ20WSN6AS30TMW"}}',
    );
    const request = (secret: string) => {
      const nonce = '01FJA8B4A7BM43YGWSG9GBV067';
      const timestamp = String(Math.floor(Date.now() / 1000));
      return {
        route: 'callback' as const,
        rawBody,
        headers: {
          'x-sinch-webhook-signature': computeSinchSignature(secret, rawBody, nonce, timestamp),
          'x-sinch-webhook-signature-nonce': nonce,
          'x-sinch-webhook-signature-timestamp': timestamp,
        },
        publicUrl: 'https://switchboard.example.com/api/v1/webhooks/sinch-conversation/ch-2',
        body: JSON.parse(rawBody.toString()) as unknown,
      };
    };

    it("always requires the channel's webhook signature", () => {
      expect(provider.verifySignature(channel(), request(WEBHOOK_SECRET))).toBe(true);
      expect(provider.verifySignature(channel(), request('some-other-secret'))).toBe(false);
      expect(provider.verifySignature(channel(), { ...request(WEBHOOK_SECRET), headers: {} })).toBe(false);
    });

    it('parses callbacks into normalised events', () => {
      expect(provider.parseWebhook(channel(), request(WEBHOOK_SECRET))).toEqual([
        expect.objectContaining({ type: 'delivery-status', providerMessageId: '01EQBC1A3BEK731GY4YXEN0C2R' }),
      ]);
    });
  });
});
