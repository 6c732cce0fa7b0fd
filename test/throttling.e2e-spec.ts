import { randomInt } from 'node:crypto';

import { expect } from '@jest/globals';

import { UsersService } from '../src/users/users.service.js';
import { startTestApp, type TestApp, uniqueEmail } from './support/test-app.js';

/**
 * Counters live in the run's shared database, so each test speaks from a client address of its own
 * (X-Forwarded-For, believed because TRUST_PROXY trusts the loopback proxy) and counts only itself.
 */
const THROTTLED = {
  LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3',
  LOGIN_MAX_ATTEMPTS_PER_IP: '8',
  TRUST_PROXY: 'loopback',
  // One JWT secret, so a user created through one instance can log in on the other.
  JWT_SECRET: 'throttling-e2e-jwt-secret-0123456789abcdef01',
};

const clientAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('Login throttling', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    [first, second] = await Promise.all([startTestApp(THROTTLED), startTestApp(THROTTLED)]);
  });
  afterAll(() => Promise.all([first.close(), second.close()]));

  const attempt = (sut: TestApp, from: string, email: string, password: string) =>
    sut.http.post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email, password });

  it('answers 429 once one email has been tried too often, even with the right password', async () => {
    // Every attempt here comes from an address of its own: a login from 127.0.0.1 would count (and,
    // past this app's low limit, block) the address every other test file logs in from.
    const agent = { email: uniqueEmail('agent'), password: 'a sufficiently long password' };
    await first.app.get(UsersService).create({ ...agent, role: 'agent', name: 'Throttled agent' });
    const from = clientAddress();
    await attempt(first, from, agent.email, agent.password).expect(200);
    await attempt(first, from, agent.email, 'wrong password!').expect(401);
    await attempt(first, from, agent.email, 'wrong password!').expect(401);

    const throttled = await attempt(first, from, agent.email, agent.password).expect(429);

    expect(throttled.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      requestId: expect.any(String),
    });
    expect(Number(throttled.headers['retry-after-login-email'])).toBeGreaterThan(0);
  });

  it('throttles one client address across many emails', async () => {
    const from = clientAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      statuses.push((await attempt(first, from, uniqueEmail('spray'), 'guess number one')).status);
    }

    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
  });

  it('counts the attempts on every instance together', async () => {
    const from = clientAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      const sut = i % 2 === 0 ? first : second;
      statuses.push((await attempt(sut, from, uniqueEmail('split'), 'guess number two')).status);
    }

    // 8 allowed per address in all, not 8 per instance.
    expect(statuses.slice(0, 8).every((status) => status === 401)).toBe(true);
    expect(statuses[8]).toBe(429);
  });
});
