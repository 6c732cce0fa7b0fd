import { expect } from '@jest/globals';

import { createUserAndLogin, startTestApp, type TestApp, uniqueEmail } from './support/test-app.js';

describe('Login throttling', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '8' });
  });
  afterAll(() => sut.close());

  it('answers 429 once one email has been tried too often, even with the right password', async () => {
    const agent = await createUserAndLogin(sut, 'agent'); // attempt 1 for this email
    await sut.http
      .post('/api/v1/auth/login')
      .send({ email: agent.email, password: 'wrong password!' })
      .expect(401);
    await sut.http
      .post('/api/v1/auth/login')
      .send({ email: agent.email, password: 'wrong password!' })
      .expect(401);

    const throttled = await sut.http
      .post('/api/v1/auth/login')
      .send({ email: agent.email, password: agent.password })
      .expect(429);

    expect(throttled.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      requestId: expect.any(String),
    });
    expect(throttled.headers['retry-after-login-email']).toBeDefined();
  });

  it('throttles one client address across many emails', async () => {
    // 4 attempts were used above; the per-IP limit is 8.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await sut.http
        .post('/api/v1/auth/login')
        .send({ email: uniqueEmail('spray'), password: 'guess number one' });
      statuses.push(response.status);
    }

    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});
