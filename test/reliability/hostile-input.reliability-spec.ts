import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';
import fc from 'fast-check';

import { plivoXmlMessages } from '../support/inbox.js';
import { nowSeconds } from '../support/jwt.js';
import { pathOf } from '../support/webhooks.js';
import { type ApiFixtures, createApiFixtures, randomUsPhone } from './support/api-fixtures.js';
import { describeExchange, errorBodyProblem } from './support/error-body.js';
import { type HostileBody, hostileBody, hostileIdSegment, hostileQuery } from './support/hostile-requests.js';
import {
  hostileString,
  INJECTION_STRINGS,
  isStorable,
  storableHostileString,
} from './support/hostile-strings.js';
import {
  conversationEvent,
  forgeCallback,
  FORGERIES,
  formBodyOf,
  plivoHeaders,
  plivoParams,
  sinchHeadersForBytes,
  sinchSmsEvent,
  type WebhookTarget,
} from './support/hostile-webhooks.js';
import { type Exchange, expectStatus, type TokenPair } from './support/http-client.js';
import {
  channelInputs,
  createChannel,
  FakeProviders,
  newChannelSecrets,
} from './support/provider-channels.js';
import { fillPath, isWebhook, loadRouteCatalogue, type Route } from './support/route-catalogue.js';
import { isAlive, type ServerUnderTest, startServerUnderTest } from './support/server-under-test.js';
import { changedCounts, DatabaseProbe } from './support/table-counts.js';
import { unsignedJwt } from './support/token-forgery.js';

/** Fixed, so a failure reproduces; fast-check prints the seed and path of any counterexample. */
const SEED = 20_261_123;
/** Cases per property; 5,100 in all. */
const RUNS = {
  routes: 2_400,
  forgeries: 1_000,
  signed: 800,
  contacts: 300,
  autoReplies: 150,
  messages: 150,
  inbound: 150,
  plivoXml: 150,
};
/** Properties run side by side where they cannot disturb each other's checks: modest concurrency. */
const PARALLEL = 3;

const LONE_SURROGATE_GLOBAL = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** What the webhook intake promises to store of a customer's text: NULs dropped, lone surrogates replaced. */
const cleanedText = (text: string) => text.replaceAll('\u0000', '').replace(LONE_SURROGATE_GLOBAL, '\uFFFD');

interface WebhookChannels {
  smsToken: { id: string; callback: string };
  smsSigned: { id: string; callback: string };
  conversation: { id: string; callback: string };
  plivo: { id: string; sender: string; statusUrl: string; inboundUrl: string };
  sandbox: { id: string; callback: string };
}

/**
 * Property-based fuzzing of every route the controllers declare, the four providers' webhooks
 * included, against the built server running as a child process (a crash would show). Whatever
 * comes in, the server answers without a 5xx, in the contract's error shape, stores nothing from
 * a rejected request, keeps valid hostile text verbatim, and escapes it in Plivo's XML.
 */
describe('Hostile input', () => {
  const fakes = new FakeProviders(newChannelSecrets());
  let server: ServerUnderTest;
  let probe: DatabaseProbe;
  let routes: Route[];
  let fixtures: ApiFixtures;
  let admin: TokenPair;
  let agent: TokenPair;
  let hooks: WebhookChannels;

  beforeAll(async () => {
    await fakes.start();
    server = await startServerUnderTest({
      // Every 5xx is logged at error level: the output then holds what went wrong, and nothing else.
      env: {
        LOG_LEVEL: 'error',
        LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
        LOGIN_MAX_ATTEMPTS_PER_EMAIL: '1000000',
      },
    });
    probe = await DatabaseProbe.connect(server.databaseUrl);
    admin = await server.loginAdmin();
    routes = await loadRouteCatalogue(server.url);
    fixtures = await createApiFixtures(server.client, admin.accessToken);
    const agentEmail = `fuzz-agent-${randomUUID()}@example.com`;
    expectStatus(
      await server.client.post('/api/v1/users', {
        json: { email: agentEmail, password: 'fuzz agent password', role: 'agent' },
        token: admin.accessToken,
      }),
      201,
    );
    agent = expectStatus<TokenPair>(
      await server.client.post('/api/v1/auth/login', {
        json: { email: agentEmail, password: 'fuzz agent password' },
      }),
      200,
    );

    const inputs = channelInputs(fakes);
    const smsToken = await createChannel(server.client, admin.accessToken, {
      ...channelInputs(fakes, { withSmsWebhookSecret: false }).sinchSms,
      name: 'token only',
    });
    const smsSigned = await createChannel(server.client, admin.accessToken, inputs.sinchSms);
    const conversation = await createChannel(server.client, admin.accessToken, inputs.sinchConversation);
    const plivo = await createChannel(server.client, admin.accessToken, inputs.plivo);
    hooks = {
      smsToken: { id: smsToken.id, callback: pathOf(smsToken.webhookUrls.callback!) },
      smsSigned: { id: smsSigned.id, callback: pathOf(smsSigned.webhookUrls.callback!) },
      conversation: { id: conversation.id, callback: pathOf(conversation.webhookUrls.callback!) },
      plivo: {
        id: plivo.id,
        sender: plivo.sender,
        statusUrl: plivo.webhookUrls.status!,
        inboundUrl: plivo.webhookUrls.inbound!,
      },
      sandbox: { id: fixtures.channels, callback: `/api/v1/webhooks/sandbox/${fixtures.channels}` },
    };
  });
  afterAll(async () => {
    await probe?.close();
    await server?.close();
    await fakes.stop();
  });

  /** Sends one request; a dropped connection is reported as status 0. */
  const send = (
    method: string,
    target: string,
    body: HostileBody | undefined,
    headers: Record<string, string>,
  ): Promise<Exchange> => {
    const allHeaders = {
      ...headers,
      ...(body?.contentType === undefined ? {} : { 'content-type': body.contentType }),
    };
    const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
    return server.client
      .request(method, target, {
        headers: allHeaders,
        ...(withBody ? { body: body.bytes } : {}),
        timeoutMs: 20_000,
      })
      .catch((error: unknown): Exchange => ({
        method,
        path: target,
        status: 0,
        headers: new Headers(),
        text: `no answer: ${error instanceof Error ? error.message : String(error)}`,
        json: undefined,
        startedAt: 0,
        endedAt: 0,
      }));
  };

  /** Throws (failing the property) on a 5xx, a dropped connection, or an error body off the contract. */
  const checkAnswer = (answer: Exchange, context: string): void => {
    if (answer.status === 0 || answer.status >= 500)
      throw new Error(`${context}: ${describeExchange(answer)}`);
    if (answer.status >= 400) {
      const problem = errorBodyProblem(answer);
      if (problem) throw new Error(`${context}: ${problem}: ${describeExchange(answer)}`);
    }
  };

  /** Runs `property` in PARALLEL runners, each with its share of `runs` and its own seed. */
  const assertInParallel = async <T>(
    name: string,
    arbitrary: fc.Arbitrary<T>,
    predicate: (value: T) => Promise<void>,
    runs: number,
    parallel = PARALLEL,
  ) => {
    await Promise.all(
      Array.from({ length: parallel }, (_, i) =>
        fc.assert(fc.asyncProperty(arbitrary, predicate), {
          seed: SEED + name.length * 100 + i,
          numRuns: Math.ceil(runs / parallel),
          endOnFailure: true,
        }),
      ),
    );
  };

  describe('every route', () => {
    it('answers any request without a 5xx, in the contract error shape, and stores nothing', async () => {
      const forgedAdmin = unsignedJwt({
        sub: randomUUID(),
        role: 'admin',
        iat: nowSeconds(),
        exp: nowSeconds() + 600,
      });
      // The admin twice: requests that pass authentication reach the most code.
      const auth = fc.constantFrom<Record<string, string>>(
        {},
        { authorization: `Bearer ${admin.accessToken}` },
        { authorization: `Bearer ${admin.accessToken}` },
        { authorization: `Bearer ${agent.accessToken}` },
        { authorization: `Bearer ${forgedAdmin}` },
        { authorization: `Bearer ${admin.refreshToken}` },
        { authorization: 'Bearer ' },
        { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
        { authorization: `Bearer ${'A'.repeat(4000)}` },
        { authorization: "Bearer ' OR 1=1 --" },
      );
      const request = fc
        .record({
          route: fc.constantFrom(...routes),
          id: fc.oneof(
            { weight: 1, arbitrary: fc.constant('fixture') },
            { weight: 4, arbitrary: hostileIdSegment },
          ),
          query: hostileQuery,
          body: hostileBody,
          auth,
          method: fc.option(fc.constantFrom('PUT', 'PATCH', 'DELETE', 'POST', 'GET', 'OPTIONS'), {
            freq: 10,
          }),
        })
        .map(({ route, id, query, body, auth: headers, method }) => {
          // Real records only behind reads: a write on a fixture could legitimately change or add rows.
          const useFixture =
            id === 'fixture' && route.method === 'GET' && method === null && !isWebhook(route);
          const resource = /^\/api\/v1\/([\w-]+)\//.exec(route.path)?.[1] as keyof ApiFixtures | undefined;
          const idValue =
            useFixture && resource && resource in fixtures
              ? fixtures[resource]
              : id === 'fixture'
                ? uuidFrom(query)
                : id;
          const target =
            fillPath(route, Object.fromEntries(route.params.map((param) => [param, idValue]))) + query;
          // The event stream answers a valid token by staying open: only invalid credentials are sent there.
          const streamSafe = route.acceptsQueryToken ? {} : headers;
          return {
            method: method ?? route.method,
            target,
            body,
            headers: streamSafe,
            label: `${route.method} ${route.path} (${body.kind})`,
          };
        });

      const before = await probe.counts();
      const accepted: string[] = [];
      await assertInParallel(
        'routes',
        request,
        async ({ method, target, body, headers, label }) => {
          const answer = await send(method, target, body, headers);
          checkAnswer(answer, label);
          if (answer.status < 300 && method !== 'GET') accepted.push(`${label}: ${describeExchange(answer)}`);
        },
        RUNS.routes,
      );
      const changed = changedCounts(before, await probe.counts());

      // Fixtures are only read, bodies are never valid records: no request had anything to store.
      if (changed.length > 0)
        throw new Error(
          `rows were added: ${changed.join(', ')}; writes answered with a 2xx:\n${accepted.join('\n')}`,
        );
    }, 180_000);
  });

  describe('provider webhooks', () => {
    it('refuses forged, unsigned and replayed-too-late callbacks on every provider route with a 4xx, and stores nothing', async () => {
      const { secrets } = fakes;
      const targets: WebhookTarget[] = [
        {
          name: 'sinch-sms (URL token)',
          scheme: 'sinch',
          path: hooks.smsToken.callback,
          publicUrl: '',
          secret: secrets.smsWebhookSecret,
          urlTokenOnly: true,
        },
        {
          name: 'sinch-sms (signed)',
          scheme: 'sinch',
          path: hooks.smsSigned.callback,
          publicUrl: '',
          secret: secrets.smsWebhookSecret,
          urlTokenOnly: false,
        },
        {
          name: 'sinch-conversation',
          scheme: 'sinch',
          path: hooks.conversation.callback,
          publicUrl: '',
          secret: secrets.conversationWebhookSecret,
          urlTokenOnly: false,
        },
        {
          name: 'plivo status',
          scheme: 'plivo',
          path: pathOf(hooks.plivo.statusUrl),
          publicUrl: hooks.plivo.statusUrl,
          secret: secrets.plivoAuthToken,
          urlTokenOnly: false,
        },
        {
          name: 'plivo inbound',
          scheme: 'plivo',
          path: pathOf(hooks.plivo.inboundUrl),
          publicUrl: hooks.plivo.inboundUrl,
          secret: secrets.plivoAuthToken,
          urlTokenOnly: false,
        },
        // The sandbox signs with a secret of its own that no caller knows.
        {
          name: 'sandbox',
          scheme: 'sinch',
          path: hooks.sandbox.callback,
          publicUrl: '',
          secret: secrets.smsWebhookSecret,
          urlTokenOnly: false,
        },
      ];
      const payload = fc.oneof(
        sinchSmsEvent.map((event) => JSON.stringify(event)),
        conversationEvent.map((event) => JSON.stringify(event)),
        plivoParams.map(formBodyOf),
        hostileBody.map((body) => body.bytes),
      );
      const request = fc
        .record({
          target: fc.constantFrom(...targets),
          forgery: fc.constantFrom(...FORGERIES),
          payload,
          noise: hostileString({ maxLength: 100 }),
        })
        .map(({ target, forgery, payload: body, noise }) => ({
          label: `${forgery} → ${target.name}`,
          ...forgeCallback(target, forgery, body, noise),
        }));

      const before = await probe.counts();
      await assertInParallel(
        'forgeries',
        request,
        async ({ label, path: target, body, headers }) => {
          const answer = await send(
            'POST',
            target,
            { kind: label, contentType: headers['content-type'], bytes: body },
            headers,
          );
          checkAnswer(answer, label);
          if (answer.status < 400)
            throw new Error(`accepted a forgery: ${label}: ${describeExchange(answer)}`);
        },
        RUNS.forgeries,
      );
      expect(changedCounts(before, await probe.counts())).toEqual([]);
    }, 120_000);

    it('answers correctly signed hostile callbacks without a 5xx, stores nothing when it refuses one, and recognises a replay', async () => {
      const { secrets } = fakes;
      const signed = fc.oneof(
        fc.record({
          kind: fc.constant('sinch-sms signed' as const),
          body: fc.oneof(
            sinchSmsEvent.map((e) => JSON.stringify(e)),
            hostileBody.map((b) => b.bytes),
          ),
        }),
        fc.record({
          kind: fc.constant('sinch-sms token' as const),
          body: fc.oneof(
            sinchSmsEvent.map((e) => JSON.stringify(e)),
            hostileBody.map((b) => b.bytes),
          ),
        }),
        fc.record({
          kind: fc.constant('conversation' as const),
          body: fc.oneof(
            conversationEvent.map((e) => JSON.stringify(e)),
            hostileBody.map((b) => b.bytes),
          ),
        }),
        fc.record({
          kind: fc.constantFrom('plivo status' as const, 'plivo inbound' as const),
          body: plivoParams.map(formBodyOf),
        }),
      );
      const requestFor = ({ kind, body }: { kind: string; body: string | Uint8Array }) => {
        if (kind.startsWith('plivo')) {
          const publicUrl = kind === 'plivo status' ? hooks.plivo.statusUrl : hooks.plivo.inboundUrl;
          const text = body as string;
          return {
            pathName: pathOf(publicUrl),
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              ...plivoHeaders(secrets.plivoAuthToken, publicUrl, text),
            },
          };
        }
        const secret = kind === 'conversation' ? secrets.conversationWebhookSecret : secrets.smsWebhookSecret;
        const pathName = {
          'sinch-sms signed': hooks.smsSigned.callback,
          'sinch-sms token': hooks.smsToken.callback,
          conversation: hooks.conversation.callback,
        }[kind]!;
        return {
          pathName,
          headers: { 'content-type': 'application/json', ...sinchHeadersForBytes(secret, body) },
        };
      };

      // One at a time: a refused request must leave every count as it was, and only it is in flight.
      await fc.assert(
        fc.asyncProperty(signed, async (value) => {
          const { pathName, headers } = requestFor(value);
          const body: HostileBody = {
            kind: value.kind,
            contentType: headers['content-type'],
            bytes: value.body,
          };
          const before = await probe.counts();
          const answer = await send('POST', pathName, body, headers);
          checkAnswer(answer, `signed ${value.kind}`);
          const after = await probe.counts();
          if (answer.status >= 400 && changedCounts(before, after).length > 0) {
            throw new Error(
              `refused but stored: ${changedCounts(before, after).join(', ')}: ${describeExchange(answer)}`,
            );
          }
          if (answer.status < 300) {
            // The same bytes and signature again, at once: a replay is accepted as a duplicate and adds nothing.
            const replay = await send('POST', pathName, body, headers);
            checkAnswer(replay, `replayed ${value.kind}`);
            const afterReplay = await probe.counts();
            if (changedCounts(after, afterReplay).length > 0)
              throw new Error(`a replay stored again: ${changedCounts(after, afterReplay).join(', ')}`);
          }
        }),
        { seed: SEED + 2, numRuns: RUNS.signed, endOnFailure: true },
      );
    }, 180_000);
  });

  describe('valid input carrying hostile text', () => {
    const token = () => admin.accessToken;
    /**
     * A number no contact has yet: the suite creates thousands of contacts with random numbers, so a
     * refused contact's number can be one stored earlier by another case, which is not this case's row.
     */
    const unusedPhone = async (): Promise<string> => {
      for (;;) {
        const phone = randomUsPhone();
        const taken = await probe.query(`SELECT 1 FROM contacts WHERE phone = $1`, [phone]);
        if (taken.length === 0) return phone;
      }
    };

    it('stores contact names and attributes verbatim (names trimmed), and nothing from a refused contact', async () => {
      const contact = fc.record({
        name: hostileString({ maxLength: 200 }),
        firstName: fc.constantFrom(...INJECTION_STRINGS),
        note: hostileString({ maxLength: 1000 }),
        extra: storableHostileString({ maxLength: 1000 }),
      });
      await assertInParallel(
        'contacts',
        contact,
        async ({ name, firstName, note, extra }) => {
          const phone = await unusedPhone();
          const valid = [name, firstName, note, extra].every(isStorable);
          const answer = await server.client.post('/api/v1/contacts', {
            json: { phone, name, firstName, attributes: { note, extra } },
            token: token(),
          });
          checkAnswer(answer, 'POST /contacts');
          if (!valid) {
            if (answer.status !== 400)
              throw new Error(`unstorable text accepted: ${describeExchange(answer)}`);
            const rows = await probe.query(`SELECT id FROM contacts WHERE phone = $1`, [phone]);
            if (rows.length > 0) throw new Error(`a refused contact was stored (${phone})`);
            return;
          }
          const created = expectStatus<{ id: string }>(answer, 201);
          const stored = expectStatus<{
            name: string | null;
            firstName: string | null;
            attributes: Record<string, string>;
          }>(await server.client.get(`/api/v1/contacts/${created.id}`, { token: token() }), 200);
          expect({ name: stored.name, firstName: stored.firstName, attributes: stored.attributes }).toEqual({
            name: name.trim() || null,
            firstName: firstName.trim() || null,
            attributes: { note, extra },
          });
        },
        RUNS.contacts,
      );
    }, 120_000);

    it('stores auto-reply texts verbatim, and nothing from a refused one', async () => {
      await assertInParallel(
        'autoReplies',
        hostileString({ maxLength: 1000 }),
        async (reply) => {
          const keyword = `FUZZ${randomUUID().replace(/-/g, '')}`;
          const valid = isStorable(reply) && reply.length > 0;
          const answer = await server.client.post('/api/v1/auto-replies', {
            // Disabled: these rules must not answer other tests' inbound messages.
            json: { keywords: [keyword], match: 'exact', reply, enabled: false },
            token: token(),
          });
          checkAnswer(answer, 'POST /auto-replies');
          if (!valid) {
            if (answer.status !== 400) throw new Error(`invalid reply accepted: ${describeExchange(answer)}`);
            const rows = await probe.query(`SELECT id FROM auto_replies WHERE $1 = ANY(keywords)`, [keyword]);
            if (rows.length > 0) throw new Error('a refused auto-reply was stored');
            return;
          }
          const created = expectStatus<{ id: string }>(answer, 201);
          const stored = expectStatus<{ reply: string }>(
            await server.client.get(`/api/v1/auto-replies/${created.id}`, { token: token() }),
            200,
          );
          expect(stored.reply).toBe(reply);
        },
        RUNS.autoReplies,
      );
    }, 120_000);

    it('stores message texts verbatim, and nothing from a refused send', async () => {
      await assertInParallel(
        'messages',
        hostileString({ maxLength: 4096 }),
        async (text) => {
          const to = randomUsPhone();
          const valid = isStorable(text) && text.length > 0;
          const answer = await server.client.post('/api/v1/messages', {
            json: { channelId: hooks.plivo.id, to, text },
            token: token(),
          });
          checkAnswer(answer, 'POST /messages');
          if (!valid) {
            if (answer.status !== 400) throw new Error(`invalid text accepted: ${describeExchange(answer)}`);
            const rows = await probe.query(`SELECT id FROM messages WHERE recipient = $1`, [to]);
            if (rows.length > 0) throw new Error('a refused message was stored');
            return;
          }
          const sent = expectStatus<{ id: string }>(answer, 202);
          const stored = expectStatus<{ content: { text?: string } }>(
            await server.client.get(`/api/v1/messages/${sent.id}`, { token: token() }),
            200,
          );
          expect(stored.content.text).toBe(text);
        },
        RUNS.messages,
      );
    }, 120_000);

    it('stores the text of inbound messages as sent, only cleaned of what the database cannot hold', async () => {
      await assertInParallel(
        'inbound',
        hostileString({ maxLength: 5000 }),
        async (text) => {
          const id = `FUZZ${randomUUID().replace(/-/g, '').toUpperCase()}`;
          const body = JSON.stringify({
            type: 'mo_text',
            id,
            from: randomUsPhone().slice(1),
            to: '12025550142',
            body: text,
            received_at: new Date().toISOString(),
          });
          const answer = await send(
            'POST',
            hooks.smsToken.callback,
            { kind: 'mo_text', contentType: 'application/json', bytes: body },
            {},
          );
          checkAnswer(answer, 'Sinch SMS mo_text');
          expectStatus(answer, 200);
          const [row] = await probe.query<{ id: string }>(
            `SELECT id FROM messages WHERE channel_id = $1 AND provider_message_id = $2`,
            [hooks.smsToken.id, id],
          );
          if (!row) throw new Error(`inbound ${id} was acknowledged but not stored`);
          const stored = expectStatus<{ content: { text?: string } }>(
            await server.client.get(`/api/v1/messages/${row.id}`, { token: token() }),
            200,
          );
          expect(stored.content.text ?? '').toBe(cleanedText(text));
        },
        RUNS.inbound,
      );
    }, 120_000);
  });

  describe("Plivo's inline auto-reply", () => {
    it('escapes the reply text in the XML answer, whatever it holds', async () => {
      const reply = storableHostileString({ maxLength: 900, minLength: 1 }).map(
        (text) => `<script>&"'${text}`,
      );
      await fc.assert(
        fc.asyncProperty(reply, async (text) => {
          const keyword = `XML${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
          const rule = expectStatus<{ id: string }>(
            await server.client.post('/api/v1/auto-replies', {
              json: { keywords: [keyword], match: 'exact', reply: text, channelId: hooks.plivo.id },
              token: admin.accessToken,
            }),
            201,
          );
          const from = randomUsPhone();
          const params = {
            From: from.slice(1),
            To: hooks.plivo.sender.slice(1),
            Text: keyword,
            Type: 'sms',
            MessageUUID: randomUUID(),
          };
          const body = formBodyOf(params);
          const answer = await send(
            'POST',
            pathOf(hooks.plivo.inboundUrl),
            { kind: 'plivo inbound', contentType: 'application/x-www-form-urlencoded', bytes: body },
            plivoHeaders(fakes.secrets.plivoAuthToken, hooks.plivo.inboundUrl, body),
          );
          expectStatus(
            await server.client.delete(`/api/v1/auto-replies/${rule.id}`, { token: admin.accessToken }),
            204,
          );

          checkAnswer(answer, 'Plivo inbound');
          expect(answer.status).toBe(200);
          expect(answer.headers.get('content-type')).toContain('application/xml');
          // One well-formed <Message> element whose text, unescaped, is the reply: nothing breaks out of it.
          expect(answer.text).toMatch(
            /^<\?xml version="1\.0" encoding="UTF-8"\?><Response><Message src="[^"<>&]*" dst="[^"<>&]*">[^<>]*<\/Message><\/Response>$/,
          );
          expect(answer.text).not.toMatch(/&(?!(lt|gt|amp|quot|apos);)/);
          // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot carry are the point
          expect(answer.text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
          const messages = plivoXmlMessages(answer.text);
          // Plivo writes numbers without the +, as it sends them. The text comes back verbatim but for
          // the characters XML 1.0 cannot carry at all, which become U+FFFD.
          const carried = text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
          expect(messages).toEqual([
            {
              src: hooks.plivo.sender.slice(1),
              dst: from.slice(1),
              text: carried,
              rawText: expect.any(String),
            },
          ]);
        }),
        { seed: SEED + 3, numRuns: RUNS.plivoXml, endOnFailure: true },
      );
    }, 120_000);
  });

  describe('afterwards', () => {
    it('is still the same living process, ready, with no error logged', async () => {
      expect(isAlive(server)).toBe(true);
      expect((await server.client.get('/health/ready')).status).toBe(200);
      const errors = server.process
        .output()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line));
      expect(errors.slice(0, 5)).toEqual([]);
    });
  });
});

/** A UUID derived from a generated value, so the same case always targets the same (unknown) id. */
function uuidFrom(seed: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${hex}0000`;
}
