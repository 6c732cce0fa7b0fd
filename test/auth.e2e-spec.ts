import { bodyOf, errorOf } from './support/bodies.js';
import { bearer, createUserAndLogin, startTestApp, type TestApp, uniqueEmail } from './support/test-app.js';

interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

describe('Auth', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent' });
  });
  afterAll(() => sut.close());

  describe('login', () => {
    it('returns a bearer token pair that opens /auth/me', async () => {
      const admin = await createUserAndLogin(sut, 'admin');

      const me = await sut.http.get('/api/v1/auth/me').set(bearer(admin)).expect(200);

      expect(me.body).toEqual({ id: admin.id, email: admin.email, name: 'Test admin', role: 'admin' });
    });

    it('answers the token type and lifetime', async () => {
      const agent = await createUserAndLogin(sut, 'agent');
      const response = await sut.http
        .post('/api/v1/auth/login')
        .send({ email: agent.email, password: agent.password })
        .expect(200);

      expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(typeof bodyOf<TokenPair>(response).accessToken).toBe('string');
      expect(typeof bodyOf<TokenPair>(response).refreshToken).toBe('string');
    });

    it('accepts the email in any letter case', async () => {
      const agent = await createUserAndLogin(sut, 'agent');
      await sut.http
        .post('/api/v1/auth/login')
        .send({ email: agent.email.toUpperCase(), password: agent.password })
        .expect(200);
    });

    it('gives the same 401 for an unknown email and for a wrong password', async () => {
      const agent = await createUserAndLogin(sut, 'agent');

      const wrongPassword = await sut.http
        .post('/api/v1/auth/login')
        .send({ email: agent.email, password: 'not the password' })
        .expect(401);
      const unknownEmail = await sut.http
        .post('/api/v1/auth/login')
        .send({ email: uniqueEmail('nobody'), password: 'whatever it is' })
        .expect(401);

      expect(errorOf(wrongPassword).message).toBe(errorOf(unknownEmail).message);
      expect(wrongPassword.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('refuses a disabled user', async () => {
      const admin = await createUserAndLogin(sut, 'admin');
      const agent = await createUserAndLogin(sut, 'agent');
      await sut.http
        .patch(`/api/v1/users/${agent.id}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);

      await sut.http
        .post('/api/v1/auth/login')
        .send({ email: agent.email, password: agent.password })
        .expect(401);
      await sut.http.get('/api/v1/auth/me').set(bearer(agent)).expect(401);
      await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: agent.refreshToken }).expect(401);
    });

    it('rejects a body without a password with 400 naming the field', async () => {
      const response = await sut.http
        .post('/api/v1/auth/login')
        .send({ email: 'someone@example.com' })
        .expect(400);

      expect(errorOf(response).details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'password' })]),
      );
    });
  });

  describe('refresh', () => {
    it('rotates: the new pair works and differs from the old one', async () => {
      const agent = await createUserAndLogin(sut, 'agent');

      const refreshed = await sut.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: agent.refreshToken })
        .expect(200);

      const pair = bodyOf<TokenPair>(refreshed);
      expect(pair.refreshToken).not.toBe(agent.refreshToken);
      await sut.http.get('/api/v1/auth/me').set(bearer(pair)).expect(200);
    });

    it('treats reuse of a spent token as theft: 401 and the whole family is revoked', async () => {
      const agent = await createUserAndLogin(sut, 'agent');
      const first = await sut.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: agent.refreshToken })
        .expect(200);

      await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: agent.refreshToken }).expect(401);

      // The legitimately rotated token dies with its family.
      await sut.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: bodyOf<TokenPair>(first).refreshToken })
        .expect(401);
    });

    it('lets exactly one of two concurrent refreshes with the same token win', async () => {
      const agent = await createUserAndLogin(sut, 'agent');

      const results = await Promise.all([
        sut.http.post('/api/v1/auth/refresh').send({ refreshToken: agent.refreshToken }),
        sut.http.post('/api/v1/auth/refresh').send({ refreshToken: agent.refreshToken }),
      ]);

      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('rejects an unknown token', async () => {
      await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: 'not-a-real-token' }).expect(401);
    });

    it('ends sessions opened before a password change', async () => {
      const admin = await createUserAndLogin(sut, 'admin');
      const agent = await createUserAndLogin(sut, 'agent');

      await sut.http
        .patch(`/api/v1/users/${agent.id}`)
        .set(bearer(admin))
        .send({ password: 'a brand new password' })
        .expect(200);

      await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: agent.refreshToken }).expect(401);
      await sut.http
        .post('/api/v1/auth/login')
        .send({ email: agent.email, password: 'a brand new password' })
        .expect(200);
    });
  });

  describe('logout', () => {
    it('answers 204 and the refresh token stops working', async () => {
      const agent = await createUserAndLogin(sut, 'agent');

      await sut.http
        .post('/api/v1/auth/logout')
        .set(bearer(agent))
        .send({ refreshToken: agent.refreshToken })
        .expect(204);

      await sut.http.post('/api/v1/auth/refresh').send({ refreshToken: agent.refreshToken }).expect(401);
    });

    it('needs an access token', async () => {
      await sut.http.post('/api/v1/auth/logout').send({ refreshToken: 'anything' }).expect(401);
    });
  });
});
