import { expect } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { FakeSinchSmsServer } from '../../../../test/fakes/fake-sinch-sms.server.js';
import { computeSinchSignature } from '../signatures/sinch-signature.js';
import type { ChannelContext, OutboundRecipient, SendResult } from '../channel-provider.interface.js';
import {
  ProviderHttpClient,
  type ProviderHttpRequest,
  type ProviderHttpResponse,
} from '../http/provider-http.client.js';
import { ProviderCredentialsError, ProviderTransientError } from '../provider-errors.js';
import { SinchSmsProvider } from './sinch-sms.provider.js';

const CALLBACK = 'https://switchboard.example.com/api/v1/webhooks/sinch-sms/ch-1?token=abc';

const text = (n: number, body: string): OutboundRecipient => ({
  messageId: `msg-${n}`,
  to: `+1415555${String(n).padStart(4, '0')}`,
  content: { kind: 'text', text: body },
});

describe('SinchSmsProvider', () => {
  const fake = new FakeSinchSmsServer();
  let sleeps: number[];
  const recordSleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  let http: ProviderHttpClient;
  let provider: SinchSmsProvider;

  const channel = (
    overrides: Partial<ChannelContext<'sinch-sms'>['config']> = {},
  ): ChannelContext<'sinch-sms'> => ({
    id: 'ch-1',
    provider: 'sinch-sms',
    sender: '+12025550142',
    config: {
      servicePlanId: fake.servicePlanId,
      apiToken: fake.apiToken,
      region: 'us',
      baseUrl: fake.url,
      ...overrides,
    },
    webhookUrls: { callback: CALLBACK },
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
    provider = new SinchSmsProvider(http);
  });
  afterEach(() => http.onModuleDestroy());

  describe('send', () => {
    it('posts one batch with per-recipient delivery reports, the callback URL and the client reference', async () => {
      const results = await provider.send(channel(), {
        clientReference: 'cref-0001',
        recipients: [text(1, 'Hello'), text(2, 'Hello')],
      });

      expect(fake.requests).toHaveLength(1);
      const [request] = fake.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/xms/v1/${fake.servicePlanId}/batches`);
      expect(request.headers.authorization).toBe(`Bearer ${fake.apiToken}`);
      expect(request.body).toEqual({
        from: '+12025550142',
        to: ['14155550001', '14155550002'],
        body: 'Hello',
        delivery_report: 'per_recipient',
        callback_url: CALLBACK,
        client_reference: 'cref-0001',
      });
      const [batch] = fake.batches;
      expect(results).toEqual([
        { messageId: 'msg-1', outcome: 'accepted', status: 'queued', providerBatchId: batch.id },
        { messageId: 'msg-2', outcome: 'accepted', status: 'queued', providerBatchId: batch.id },
      ]);
      expect(batch.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    });

    it('carries 1000 personalised texts in ONE request, each recipient receiving exactly its own text', async () => {
      const recipients = Array.from({ length: 1000 }, (_, i) =>
        text(
          i,
          `Hi ${['Ada', 'Grace', 'Linus', 'Barbara'][i % 4]} #${i}, 20% off today only. Reply STOP to opt out.`,
        ),
      );

      const results = await provider.send(channel(), { clientReference: 'campaign-7-chunk-0', recipients });

      expect(fake.requests).toHaveLength(1);
      const sent = fake.requests[0].body as {
        to: string[];
        body: string;
        parameters: Record<string, Record<string, string>>;
      };
      expect(sent.to).toHaveLength(1000);
      expect(sent.parameters).toBeDefined();
      // The common prefix and suffix stay literal; only the differing middle travels per recipient.
      expect(sent.body).toBe('Hi ${p0}, 20% off today only. Reply STOP to opt out.');
      expect(results.every((r) => r.outcome === 'accepted')).toBe(true);
      const [batch] = fake.batches;
      for (const recipient of recipients) {
        expect(fake.renderFor(batch, recipient.to)).toBe((recipient.content as { text: string }).text);
      }
    });

    it('keeps the literal parts within Sinch limits for long, unicode and $-bearing texts', async () => {
      const long = 'x'.repeat(1990);
      const texts = [
        `${long}🎉AB`, // surrogate pair around a 160-unit boundary
        `${long}🎉CD`,
        'Price: ${price} is literal, not a parameter',
        'Price: $5 for you',
        'Short',
        'Short and longer',
        `${'é'.repeat(700)}🙂${'ü'.repeat(900)}`,
      ];
      const recipients = texts.map((t, i) => text(i, t));

      const results = await provider.send(channel(), { clientReference: 'cref-edge', recipients });

      expect(results.map((r) => r.outcome)).toEqual(texts.map(() => 'accepted'));
      const [batch] = fake.batches;
      recipients.forEach((recipient, i) => expect(fake.renderFor(batch, recipient.to)).toBe(texts[i]));
    });

    it('sends identical texts as a plain body without parameters', async () => {
      await provider.send(channel(), {
        clientReference: 'c',
        recipients: [text(1, 'Same'), text(2, 'Same'), text(3, 'Same')],
      });

      const sent = fake.requests[0].body as Record<string, unknown>;
      expect(sent.body).toBe('Same');
      expect(sent).not.toHaveProperty('parameters');
    });

    it('rejects templates, media, bad numbers, over-long texts and duplicates per recipient, and sends the rest', async () => {
      const recipients: OutboundRecipient[] = [
        text(1, 'ok'),
        {
          messageId: 'tpl',
          to: '+14155550009',
          content: { kind: 'template', template: { id: 'order_update' } },
        },
        {
          messageId: 'media',
          to: '+14155550010',
          content: { kind: 'media', media: { url: 'https://example.com/a.png' } },
        },
        { messageId: 'bad-number', to: '4155550011', content: { kind: 'text', text: 'hi' } },
        { messageId: 'too-long', to: '+14155550012', content: { kind: 'text', text: 'y'.repeat(2001) } },
        { messageId: 'dup', to: '+14155550001', content: { kind: 'text', text: 'again' } },
      ];

      const results = await provider.send(channel(), { clientReference: 'c', recipients });

      expect(results.map((r) => [r.messageId, r.outcome])).toEqual([
        ['msg-1', 'accepted'],
        ['tpl', 'rejected'],
        ['media', 'rejected'],
        ['bad-number', 'rejected'],
        ['too-long', 'rejected'],
        ['dup', 'rejected'],
      ]);
      expect((results[1] as Extract<SendResult, { outcome: 'rejected' }>).reason).toMatch(
        /plain text only.*template/,
      );
      expect((fake.requests[0].body as { to: string[] }).to).toEqual(['14155550001']);
    });

    it('makes no request when no recipient can be sent', async () => {
      const results = await provider.send(channel(), {
        clientReference: 'c',
        recipients: [
          { messageId: 'm', to: '+14155550001', content: { kind: 'template', template: { id: 't' } } },
        ],
      });

      expect(results[0].outcome).toBe('rejected');
      expect(fake.requests).toHaveLength(0);
    });

    it('retries a 500 and creates the batch once', async () => {
      fake.failWithStatus(1, 500);

      const results = await provider.send(channel(), { clientReference: 'c', recipients: [text(1, 'hi')] });

      expect(results[0].outcome).toBe('accepted');
      expect(fake.requests).toHaveLength(2);
      expect(fake.batches).toHaveLength(1);
      expect(sleeps).toHaveLength(1);
    });

    it('honours Retry-After on a 429', async () => {
      fake.rateLimit(1, '4');

      await provider.send(channel(), { clientReference: 'c', recipients: [text(1, 'hi')] });

      expect(sleeps).toEqual([4_000]);
      expect(fake.batches).toHaveLength(1);
    });

    it('retries a request that timed out once Sinch says it has no batch under its client reference', async () => {
      http = new ProviderHttpClient({ sleep: recordSleep, timeoutMs: 150 });
      provider = new SinchSmsProvider(http);
      fake.hang(1);

      const results = await provider.send(channel(), { clientReference: 'c', recipients: [text(1, 'hi')] });

      expect(results[0].outcome).toBe('accepted');
      expect(fake.requests.map((r) => `${r.method} ${r.query.client_reference ?? ''}`)).toEqual([
        'POST ',
        'GET c',
        'POST ',
      ]);
      expect(fake.batches).toHaveLength(1);
    });

    it('does not send a batch again when the request that timed out reached Sinch', async () => {
      http = new ProviderHttpClient({ sleep: recordSleep, timeoutMs: 150 });
      provider = new SinchSmsProvider(http);
      fake.respondLate(1, 400);

      const results = await provider.send(channel(), {
        clientReference: 'late',
        recipients: [text(1, 'hi')],
      });

      expect(fake.batches).toHaveLength(1);
      expect(results[0]).toMatchObject({ outcome: 'accepted', providerBatchId: fake.batches[0].id });
      expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    });

    it('reports an unanswered request whose fate Sinch cannot tell as ambiguous, so it is not blindly repeated', async () => {
      http = new ProviderHttpClient({
        sleep: recordSleep,
        timeoutMs: 150,
        retry: { maxAttempts: 2 },
      });
      provider = new SinchSmsProvider(http);
      fake.hang(10);

      const failure = await provider
        .send(channel(), { clientReference: 'lost', recipients: [text(1, 'hi')] })
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ProviderTransientError);
      expect((failure as ProviderTransientError).ambiguous).toBe(true);
      expect(fake.batches).toHaveLength(0);
    });

    it('throws ProviderTransientError when 5xx persists', async () => {
      fake.failWithStatus(4, 503);

      await expect(
        provider.send(channel(), { clientReference: 'c', recipients: [text(1, 'hi')] }),
      ).rejects.toMatchObject({
        name: 'ProviderTransientError',
        httpStatus: 503,
      });
      expect(fake.requests).toHaveLength(4);
    });

    it("rejects every recipient with Sinch's code and text on a 4xx, without retrying", async () => {
      fake.respondWith(1, {
        status: 400,
        body: { code: 'syntax_invalid_parameter_format', text: "'foo' is not a valid identifier" },
      });

      const results = await provider.send(channel(), {
        clientReference: 'c',
        recipients: [text(1, 'a'), text(2, 'b')],
      });

      expect(results).toEqual([
        {
          messageId: 'msg-1',
          outcome: 'rejected',
          errorCode: 'syntax_invalid_parameter_format',
          reason: "'foo' is not a valid identifier",
        },
        {
          messageId: 'msg-2',
          outcome: 'rejected',
          errorCode: 'syntax_invalid_parameter_format',
          reason: "'foo' is not a valid identifier",
        },
      ]);
      expect(fake.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('treats a 403 about the request (missing_callback_url) as a rejection, not a credentials failure', async () => {
      fake.respondWith(1, { status: 403, body: { code: 'missing_callback_url', text: 'No callback URL' } });

      const results = await provider.send(channel(), { clientReference: 'c', recipients: [text(1, 'a')] });

      expect(results[0]).toMatchObject({ outcome: 'rejected', errorCode: 'missing_callback_url' });
    });

    it('throws ProviderCredentialsError on 401, without retrying', async () => {
      const error = await provider
        .send(channel({ apiToken: 'wrong-token' }), { clientReference: 'c', recipients: [text(1, 'a')] })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ProviderCredentialsError);
      expect((error as ProviderCredentialsError).httpStatus).toBe(401);
      expect((error as Error).message).not.toContain('wrong-token');
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe('hosts', () => {
    it.each(['us', 'eu', 'au', 'br', 'ca'] as const)(
      'sends region %s to its regional host',
      async (region) => {
        const urls: string[] = [];
        const capturing = {
          request: (request: ProviderHttpRequest): Promise<ProviderHttpResponse> => {
            urls.push(request.url);
            return Promise.resolve({ status: 201, headers: {}, body: { id: '01FC66621XXXXX119Z8PMV1QPQ' } });
          },
        } as unknown as ProviderHttpClient;

        await new SinchSmsProvider(capturing).send(
          channel({ region, baseUrl: undefined, servicePlanId: 'plan/1' }),
          {
            clientReference: 'c',
            recipients: [text(1, 'a')],
          },
        );

        expect(urls).toEqual([`https://${region}.sms.api.sinch.com/xms/v1/plan%2F1/batches`]);
      },
    );
  });

  describe('verifyCredentials', () => {
    it('confirms working credentials with an authenticated listing', async () => {
      await expect(provider.verifyCredentials(channel())).resolves.toEqual({
        ok: true,
        detail: expect.any(String),
      });
      expect(fake.requests[0]).toMatchObject({ method: 'GET', query: { page_size: '1' } });
    });

    it('reports rejected credentials without echoing the token', async () => {
      const result = await provider.verifyCredentials(channel({ apiToken: 'secret-token-value' }));

      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/HTTP 401/);
      expect(result.detail).not.toContain('secret-token-value');
    });

    it('reports an unreachable provider instead of throwing', async () => {
      fake.failWithStatus(2, 503);

      const result = await provider.verifyCredentials(channel());

      expect(result).toMatchObject({ ok: false });
      expect(result.detail).toMatch(/unreachable/);
    });
  });

  describe('findSentBatches', () => {
    it("finds only the batches with that reference, paging through Sinch's listing", async () => {
      for (let i = 0; i < 105; i++) {
        await provider.send(channel(), { clientReference: 'campaign-9', recipients: [text(i, `m${i}`)] });
      }
      await provider.send(channel(), { clientReference: 'other', recipients: [text(999, 'x')] });

      const found = await provider.findSentBatches(channel(), 'campaign-9');

      expect(found).toHaveLength(105);
      expect(new Set(found.map((b) => b.batchId))).toEqual(
        new Set(fake.batches.filter((b) => b.client_reference === 'campaign-9').map((b) => b.id)),
      );
      expect(found.flatMap((b) => b.recipients)).toContain('+14155550104');
      const listings = fake.requestsTo('GET', /\/batches$/);
      expect(listings.map((r) => r.query.page)).toEqual(['0', '1']);
      expect(listings[0].query).toMatchObject({ client_reference: 'campaign-9', page_size: '100' });
    });

    it('passes since as start_date', async () => {
      const since = new Date('2026-01-02T03:04:05.000Z');

      await provider.findSentBatches(channel(), 'x', since);

      expect(fake.requests[0].query.start_date).toBe('2026-01-02T03:04:05.000Z');
    });

    it('throws ProviderCredentialsError on a rejected token', async () => {
      await expect(provider.findSentBatches(channel({ apiToken: 'nope' }), 'x')).rejects.toBeInstanceOf(
        ProviderCredentialsError,
      );
    });

    it('throws ProviderTransientError when the listing keeps failing', async () => {
      fake.failWithStatus(4, 500);
      await expect(provider.findSentBatches(channel(), 'x')).rejects.toBeInstanceOf(ProviderTransientError);
    });
  });

  describe('webhooks', () => {
    const rawBody = Buffer.from(
      '{"at":"2025-01-13T09:22:40.914Z","batch_id":"01JHFFHQ0P99JPPNQPJDV7JTBP","client_reference":"a client reference","code":0,"operator_status_at":"2025-01-13T09:22:00Z","recipient":"33662162466","status":"Delivered","type":"recipient_delivery_report_sms"}',
    );
    const signedHeaders = (secret: string): Record<string, string> => {
      const nonce = '01JHFFHWYY7HSS4FWTMDTQEK8V';
      const timestamp = String(Math.floor(Date.now() / 1000));
      return {
        'x-sinch-webhook-signature': computeSinchSignature(secret, rawBody, nonce, timestamp),
        'x-sinch-webhook-signature-nonce': nonce,
        'x-sinch-webhook-signature-timestamp': timestamp,
      };
    };
    const request = (headers: Record<string, string>) => ({
      route: 'callback' as const,
      rawBody,
      headers,
      publicUrl: CALLBACK,
      body: JSON.parse(rawBody.toString()) as unknown,
    });

    it('accepts unsigned callbacks when no webhook secret is configured (the URL token is checked elsewhere)', () => {
      expect(provider.verifySignature(channel(), request({}))).toBe(true);
    });

    it('requires a valid Sinch signature when a webhook secret is configured', () => {
      const signed = channel({ webhookSecret: 'SMSWebhooksSecret' });

      expect(provider.verifySignature(signed, request(signedHeaders('SMSWebhooksSecret')))).toBe(true);
      expect(provider.verifySignature(signed, request(signedHeaders('another-secret')))).toBe(false);
      expect(provider.verifySignature(signed, request({}))).toBe(false);
    });

    it('parses callbacks into normalised events', () => {
      const events = provider.parseWebhook(channel(), request({}));

      expect(events).toEqual([
        expect.objectContaining({
          type: 'delivery-status',
          providerBatchId: '01JHFFHQ0P99JPPNQPJDV7JTBP',
          recipient: '+33662162466',
        }),
      ]);
    });
  });
});
