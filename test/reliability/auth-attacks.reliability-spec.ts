import { randomBytes } from 'node:crypto';

import { expect } from '@jest/globals';

import { nowSeconds } from '../support/jwt.js';
import { sleep } from '../support/wait-for.js';
import { type ApiFixtures, createApiFixtures, fixturePath, randomUsPhone } from './support/api-fixtures.js';
import { describeExchange, errorBodyProblem } from './support/error-body.js';
import { type Exchange, expectStatus, login, type TokenPair } from './support/http-client.js';
import { loadRouteCatalogue, type Route } from './support/route-catalogue.js';
import { type ServerUnderTest, startServerUnderTest } from './support/server-under-test.js';
import { postJsonFrom } from './support/source-address.js';
import { changedCounts, DatabaseProbe } from './support/table-counts.js';
import { payloadOf, signJwt, tamperedJwt, unsignedJwt } from './support/token-forgery.js';

/** README: LOGIN_MAX_ATTEMPTS_PER_IP / LOGIN_MAX_ATTEMPTS_PER_EMAIL / LOGIN_THROTTLE_WINDOW default to 30 / 10 / 60s. */
const DOCUMENTED_ATTEMPTS_PER_EMAIL = 10;
const DOCUMENTED_ATTEMPTS_PER_IP = 30;

/** Every admin-only operation the controllers declare today; the catalogue may grow, never lose one. */
const KNOWN_ADMIN_OPERATIONS = [
  'UsersController_create',
  'UsersController_list',
  'UsersController_get',
  'UsersController_update',
  'ChannelsController_create',
  'ChannelsController_update',
  'ChannelsController_disable',
  'ChannelsController_simulateInbound',
  'ChannelsController_verify',
  'AutoRepliesController_create',
  'AutoRepliesController_update',
  'AutoRepliesController_remove',
  'CampaignsController_create',
  'CampaignsController_schedule',
  'CampaignsController_pause',
  'CampaignsController_resume',
  'CampaignsController_cancel',
];

interface Session extends TokenPair {
  id: string;
  email: string;
  password: string;
}

/**
 * Attacks on authentication and authorisation, run against the built server as a child process:
 * forged tokens on every protected route, an agent on every admin route, refresh-token theft, a
 * token smuggled through the query string, and password guessing.
 */
describe('Attacks on authentication and authorisation', () => {
  let server: ServerUnderTest;
  let routes: Route[];
  let fixtures: ApiFixtures;
  let admin: Session;

  const createUser = async (role: 'admin' | 'agent'): Promise<Session> => {
    const email = `${role}-${randomBytes(6).toString('hex')}@example.com`;
    const password = `password-${randomBytes(10).toString('hex')}`;
    const created = expectStatus<{ id: string }>(
      await server.client.post('/api/v1/users', {
        json: { email, password, role, name: `Attacker ${role}` },
        token: admin.accessToken,
      }),
      201,
    );
    return { id: created.id, email, password, ...(await login(server.client, email, password)) };
  };

  const call = (
    route: Route,
    token: string | undefined,
    options: { query?: string; json?: unknown } = {},
  ): Promise<Exchange> =>
    server.client.request(route.method, `${fixturePath(route, fixtures)}${options.query ?? ''}`, {
      ...(token === undefined ? {} : { token }),
      json: options.json ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}),
    });

  /** Routes that need a signed-in user (never sent a valid token here: the event stream would stay open). */
  const protectedRoutes = () => routes.filter((route) => !route.isPublic);

  beforeAll(async () => {
    server = await startServerUnderTest({
      env: { LOGIN_MAX_ATTEMPTS_PER_IP: '100000', LOGIN_MAX_ATTEMPTS_PER_EMAIL: '100000' },
    });
    const adminTokens = await server.loginAdmin();
    admin = { id: String(payloadOf(adminTokens.accessToken).sub), ...server.admin, ...adminTokens };
    routes = await loadRouteCatalogue(server.url);
    fixtures = await createApiFixtures(server.client, admin.accessToken);
  });
  afterAll(() => server?.close());

  describe('forged access tokens', () => {
    const forgeries = (agent: Session): Array<[string, string]> => {
      const live = { sub: admin.id, role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 600 };
      const realSignature = admin.accessToken.split('.')[2];
      return [
        ['alg: none', unsignedJwt(live)],
        ['alg: None', unsignedJwt(live, 'None')],
        ['alg: NONE keeping a real signature', unsignedJwt(live, 'NONE', realSignature)],
        ['HS256 under another key', signJwt(live, randomBytes(32).toString('hex'))],
        ["HS512 under the server's own key", signJwt(live, server.jwtSecret, 'HS512')],
        [
          "an expired token under the server's key",
          signJwt({ ...live, iat: nowSeconds() - 3600, exp: nowSeconds() - 60 }, server.jwtSecret),
        ],
        [
          "a token not valid before next hour, under the server's key",
          signJwt({ ...live, nbf: nowSeconds() + 3600 }, server.jwtSecret),
        ],
        [
          "a token for a user that does not exist, under the server's key",
          signJwt({ ...live, sub: '00000000-0000-4000-8000-000000000000' }, server.jwtSecret),
        ],
        ['an agent token with its role changed to admin', tamperedJwt(agent.accessToken, { role: 'admin' })],
        [
          'an agent token with its subject changed to the admin',
          tamperedJwt(agent.accessToken, { sub: admin.id }),
        ],
        [
          'an agent token with its expiry pushed back',
          tamperedJwt(agent.accessToken, { exp: nowSeconds() + 365 * 24 * 3600 }),
        ],
        ['a real token without its signature', admin.accessToken.split('.').slice(0, 2).join('.') + '.'],
        ['a real token cut short', admin.accessToken.slice(0, -2)],
        ['a refresh token', admin.refreshToken],
      ];
    };

    it("opens no protected route: 401 with the contract's error body everywhere", async () => {
      const agent = await createUser('agent');
      const failures: string[] = [];
      const list = forgeries(agent);
      for (const [name, token] of list) {
        const answers = await Promise.all(protectedRoutes().map((route) => call(route, token)));
        for (const answer of answers) {
          if (answer.status !== 401) failures.push(`${name}: ${describeExchange(answer)}`);
          else if (errorBodyProblem(answer)) failures.push(`${name}: ${errorBodyProblem(answer)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(protectedRoutes().length * list.length).toBeGreaterThan(400);
    });

    it("refuses them for what they are: the same claims, live and HS256 under the server's key, are accepted", async () => {
      const genuine = signJwt(
        { sub: admin.id, role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 600 },
        server.jwtSecret,
      );

      expect((await server.client.get('/api/v1/auth/me', { token: genuine })).status).toBe(200);
    });

    it('reads the role from the user, not from the token: a validly signed admin claim gives an agent nothing more', async () => {
      const agent = await createUser('agent');
      const claimsAdmin = signJwt(
        { sub: agent.id, role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 600 },
        server.jwtSecret,
      );

      const answer = await server.client.get('/api/v1/users', { token: claimsAdmin });

      expect(answer.status).toBe(403);
    });
  });

  describe('an agent on admin routes', () => {
    /** A valid body for each admin operation, so a missing role check would show as a change. */
    const validBody = (operationId: string): unknown => {
      switch (operationId) {
        case 'UsersController_create':
          return {
            email: `hijack-${randomBytes(4).toString('hex')}@example.com`,
            password: 'a long enough password',
            role: 'admin',
          };
        case 'UsersController_update':
          return { role: 'admin', disabled: true };
        case 'ChannelsController_create':
          return { name: 'Hijacked', provider: 'sandbox', sender: '+12025550100', config: {} };
        case 'ChannelsController_update':
          return { name: 'Hijacked' };
        case 'ChannelsController_simulateInbound':
          return { from: randomUsPhone(), text: 'hijack' };
        case 'AutoRepliesController_create':
          return { keywords: ['HIJACK'], match: 'exact', reply: 'Hijacked' };
        case 'AutoRepliesController_update':
          return { reply: 'Hijacked' };
        case 'CampaignsController_create':
          return {
            name: 'Hijacked',
            channelId: fixtures.channels,
            message: { text: 'Hijacked' },
            audience: { all: true },
          };
        default:
          return undefined;
      }
    };

    it('gets 403 from every admin route enumerated from the controllers, and changes nothing', async () => {
      const agent = await createUser('agent');
      const adminRoutes = routes.filter(
        (route) => route.roles.includes('admin') && !route.roles.includes('agent'),
      );
      expect(adminRoutes.map((route) => route.operationId)).toEqual(
        expect.arrayContaining(KNOWN_ADMIN_OPERATIONS),
      );
      const probe = await DatabaseProbe.connect(server.databaseUrl);
      try {
        const before = await probe.counts();
        const answers: Exchange[] = [];
        for (const route of adminRoutes)
          answers.push(await call(route, agent.accessToken, { json: validBody(route.operationId) }));
        // A grace period, not a wait for something: a missing check could set off a sandbox callback
        // that lands later, and the absence of an effect has no event to wait on.
        await sleep(500);
        const after = await probe.counts();

        expect(
          answers.filter((answer) => answer.status !== 403 || errorBodyProblem(answer)).map(describeExchange),
        ).toEqual([]);
        expect(changedCounts(before, after)).toEqual([]);
      } finally {
        await probe.close();
      }
      const token = admin.accessToken;
      expect(
        await server.client.get(`/api/v1/channels/${fixtures.channels}`, { token }).then((a) => a.json),
      ).toMatchObject({ name: 'Fixture sandbox', disabled: false });
      expect(
        await server.client.get(`/api/v1/users/${fixtures.users}`, { token }).then((a) => a.json),
      ).toMatchObject({ role: 'agent', disabled: false });
      expect(
        await server.client
          .get(`/api/v1/auto-replies/${fixtures['auto-replies']}`, { token })
          .then((a) => a.json),
      ).toMatchObject({ reply: 'Fixture reply' });
      expect(
        await server.client.get(`/api/v1/campaigns/${fixtures.campaigns}`, { token }).then((a) => a.json),
      ).toMatchObject({ status: 'draft' });
    });

    it('loses admin rights at once when demoted, with the token it already holds', async () => {
      const second = await createUser('admin');
      expect((await server.client.get('/api/v1/users', { token: second.accessToken })).status).toBe(200);

      expectStatus(
        await server.client.patch(`/api/v1/users/${second.id}`, {
          json: { role: 'agent' },
          token: admin.accessToken,
        }),
        200,
      );

      expect((await server.client.get('/api/v1/users', { token: second.accessToken })).status).toBe(403);
      expect((await server.client.get('/api/v1/auth/me', { token: second.accessToken })).json).toMatchObject({
        role: 'agent',
      });
    });
  });

  describe('stolen refresh tokens', () => {
    const refresh = (refreshToken: string) =>
      server.client.post('/api/v1/auth/refresh', { json: { refreshToken } });

    it('reuse of a spent token revokes its family: every newer token of that session dies too', async () => {
      const victim = await createUser('agent');
      const second = expectStatus<TokenPair>(await refresh(victim.refreshToken), 200);
      const third = expectStatus<TokenPair>(await refresh(second.refreshToken), 200);

      const replay = await refresh(victim.refreshToken);

      expect(replay.status).toBe(401);
      expect(errorBodyProblem(replay)).toBeUndefined();
      expect((await refresh(third.refreshToken)).status).toBe(401);
      expect((await refresh(second.refreshToken)).status).toBe(401);
    });

    it("leaves the user's other sessions alone", async () => {
      const victim = await createUser('agent');
      const otherSession = await login(server.client, victim.email, victim.password);
      expectStatus(await refresh(victim.refreshToken), 200);

      expect((await refresh(victim.refreshToken)).status).toBe(401);

      expect((await refresh(otherSession.refreshToken)).status).toBe(200);
    });

    it('does not take an access token for a refresh token', async () => {
      const victim = await createUser('agent');

      expect((await refresh(victim.accessToken)).status).toBe(401);
      expect((await refresh(victim.refreshToken)).status).toBe(200);
    });
  });

  describe('the access token in the query string', () => {
    const STREAM = '/api/v1/conversations/stream';

    const openStream = async (query: string): Promise<{ status: number; contentType: string | null }> => {
      const controller = new AbortController();
      const response = await fetch(`${server.url}${STREAM}${query}`, { signal: controller.signal });
      const result = { status: response.status, contentType: response.headers.get('content-type') };
      controller.abort();
      await response.body?.cancel().catch(() => undefined);
      return result;
    };

    it('is accepted on the event stream, the one route that declares it', async () => {
      const streamRoutes = routes.filter((route) => route.acceptsQueryToken);
      expect(streamRoutes.map((route) => `${route.method} ${route.path}`)).toEqual([`GET ${STREAM}`]);

      const opened = await openStream(`?access_token=${encodeURIComponent(admin.accessToken)}`);

      expect(opened).toEqual({ status: 200, contentType: expect.stringContaining('text/event-stream') });
    });

    it('is refused on the stream when forged or expired', async () => {
      const expired = signJwt(
        { sub: admin.id, role: 'admin', iat: nowSeconds() - 3600, exp: nowSeconds() - 60 },
        server.jwtSecret,
      );
      const forged = unsignedJwt({
        sub: admin.id,
        role: 'admin',
        iat: nowSeconds(),
        exp: nowSeconds() + 600,
      });

      expect((await openStream(`?access_token=${expired}`)).status).toBe(401);
      expect((await openStream(`?access_token=${forged}`)).status).toBe(401);
    });

    it('is refused on every other protected route, even when valid', async () => {
      const others = protectedRoutes().filter((route) => !route.acceptsQueryToken);
      const query = `?access_token=${encodeURIComponent(admin.accessToken)}`;

      const answers = await Promise.all(others.map((route) => call(route, undefined, { query })));

      expect(
        answers.filter((answer) => answer.status !== 401 || errorBodyProblem(answer)).map(describeExchange),
      ).toEqual([]);
      expect(answers.length).toBeGreaterThan(30);
    });
  });

  describe('password guessing, at the documented limits', () => {
    let defaults: ServerUnderTest;
    const victim = {
      email: `victim-${randomBytes(6).toString('hex')}@example.com`,
      password: `victim-${randomBytes(10).toString('hex')}`,
    };
    const attempt = (from: string, email: string, password: string, headers: Record<string, string> = {}) =>
      postJsonFrom(from, `${defaults.url}/api/v1/auth/login`, { email, password }, headers);

    beforeAll(async () => {
      // The server's own login limits, as documented: nothing set.
      defaults = await startServerUnderTest();
      const adminTokens = await defaults.loginAdmin();
      expectStatus(
        await defaults.client.post('/api/v1/users', {
          json: { email: victim.email, password: victim.password, role: 'admin' },
          token: adminTokens.accessToken,
        }),
        201,
      );
    });
    afterAll(() => defaults?.close());

    it('throttles one email after 10 attempts, spread over many addresses and spellings, even with the right password', async () => {
      const spellings = [
        victim.email,
        victim.email.toUpperCase(),
        `  ${victim.email}  `,
        victim.email.replace(/^./, (c) => c.toUpperCase()),
      ];
      const statuses: number[] = [];
      for (let i = 0; i < DOCUMENTED_ATTEMPTS_PER_EMAIL; i++) {
        statuses.push(
          (await attempt(`127.0.1.${i + 1}`, spellings[i % spellings.length], `guess number ${i}`)).status,
        );
      }

      const rightPassword = await attempt('127.0.1.200', victim.email, victim.password);

      expect(statuses).toEqual(Array(DOCUMENTED_ATTEMPTS_PER_EMAIL).fill(401));
      expect(rightPassword.status).toBe(429);
      expect(rightPassword.json).toMatchObject({
        statusCode: 429,
        error: 'Too Many Requests',
        requestId: rightPassword.requestId,
      });
    });

    it('throttles one address after 30 attempts over many emails, whatever X-Forwarded-For claims, and no other address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < DOCUMENTED_ATTEMPTS_PER_IP + 1; i++) {
        const spoofed = { 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `198.51.100.${i + 1}` };
        statuses.push(
          (
            await attempt(
              '127.0.2.1',
              `spray-${i}-${randomBytes(3).toString('hex')}@example.com`,
              'Summer2026!',
              spoofed,
            )
          ).status,
        );
      }

      expect(statuses).toEqual([...Array<number>(DOCUMENTED_ATTEMPTS_PER_IP).fill(401), 429]);
      const other = await attempt(
        '127.0.2.2',
        `someone-${randomBytes(3).toString('hex')}@example.com`,
        'Summer2026!',
      );
      expect(other.status).toBe(401);
    });
  });
});
