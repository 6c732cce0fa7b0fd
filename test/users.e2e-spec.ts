import { expect } from '@jest/globals';

import { bodyOf, errorOf, fieldsOf } from './support/bodies.js';
import type { PageView } from './support/inbox.js';
import { createIsolatedDatabase } from './support/isolated-database.js';
import {
  bearer,
  createUserAndLogin,
  startTestApp,
  type TestApp,
  type TestUser,
  uniqueEmail,
} from './support/test-app.js';

interface UserRow {
  id: string;
  createdAt: string;
}

describe('Users (admin)', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startTestApp();
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  it('creates a user and never returns a password or its hash', async () => {
    const email = uniqueEmail('new');

    const response = await sut.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email, password: 'a long enough password', name: 'New Agent', role: 'agent' })
      .expect(201);

    expect(response.body).toMatchObject({ email, name: 'New Agent', role: 'agent', disabled: false });
    expect(JSON.stringify(response.body)).not.toMatch(/password|argon2/i);
  });

  it('refuses a duplicate email in another letter case with 409', async () => {
    const email = uniqueEmail('dup');
    await sut.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email, password: 'a long enough password', role: 'agent' })
      .expect(201);

    const duplicate = await sut.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: email.toUpperCase(), password: 'a long enough password', role: 'agent' })
      .expect(409);

    expect(duplicate.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });

  it('validates every field and names each bad one', async () => {
    const response = await sut.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'not-an-email', password: 'short', role: 'superuser' })
      .expect(400);

    const fields = fieldsOf(response).sort();
    expect(fields).toEqual(['email', 'password', 'role']);
  });

  it('rejects unknown fields', async () => {
    const response = await sut.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: uniqueEmail(), password: 'a long enough password', role: 'agent', isSuperuser: true })
      .expect(400);

    expect(errorOf(response).details).toEqual([expect.objectContaining({ field: 'isSuperuser' })]);
  });

  it('forbids agents from every users route with 403', async () => {
    const agent = await createUserAndLogin(sut, 'agent');

    await sut.http.get('/api/v1/users').set(bearer(agent)).expect(403);
    await sut.http
      .post('/api/v1/users')
      .set(bearer(agent))
      .send({ email: uniqueEmail(), password: 'a long enough password', role: 'admin' })
      .expect(403);
    await sut.http.patch(`/api/v1/users/${agent.id}`).set(bearer(agent)).send({ role: 'admin' }).expect(403);
  });

  it('pages through every user exactly once, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await sut.http
        .post('/api/v1/users')
        .set(bearer(admin))
        .send({ email: uniqueEmail('page'), password: 'a long enough password', role: 'agent' })
        .expect(201);
      created.push(bodyOf<UserRow>(response).id);
    }
    const seen: UserRow[] = [];
    let cursor: string | null = null;
    do {
      const response = await sut.http
        .get('/api/v1/users')
        .query(cursor ? { limit: 2, cursor } : { limit: 2 })
        .set(bearer(admin))
        .expect(200);
      const page: PageView<UserRow> = bodyOf(response);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);

    // Other test files add users to the shared database meanwhile, so the walk is checked by its
    // own properties rather than against a second listing taken at another moment.
    const ids = seen.map((user) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = seen.map((user) => Date.parse(user.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(ids.filter((id) => created.includes(id))).toEqual([...created].reverse());
  });

  it('refuses a page size above 200 and a forged cursor with 400', async () => {
    await sut.http.get('/api/v1/users').query({ limit: 201 }).set(bearer(admin)).expect(400);
    const forged = await sut.http
      .get('/api/v1/users')
      .query({ cursor: 'definitely-not-a-cursor' })
      .set(bearer(admin))
      .expect(400);
    expect(errorOf(forged).details).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('updates name and role, and answers 404 for an unknown id', async () => {
    const agent = await createUserAndLogin(sut, 'agent');

    const updated = await sut.http
      .patch(`/api/v1/users/${agent.id}`)
      .set(bearer(admin))
      .send({ name: 'Renamed', role: 'admin' })
      .expect(200);
    expect(updated.body).toMatchObject({ id: agent.id, name: 'Renamed', role: 'admin' });

    // The role change applies to the existing token at once.
    await sut.http.get('/api/v1/users').set(bearer(agent)).expect(200);

    await sut.http
      .patch('/api/v1/users/00000000-0000-4000-8000-000000000000')
      .set(bearer(admin))
      .send({ name: 'x' })
      .expect(404);
    await sut.http.patch('/api/v1/users/not-a-uuid').set(bearer(admin)).send({ name: 'x' }).expect(400);
  });

  it('never leaves the system without an active admin', async () => {
    const database = await createIsolatedDatabase();
    const isolated = await startTestApp({ DATABASE_URL: database.url });
    try {
      const onlyAdmin = await createUserAndLogin(isolated, 'admin');

      await isolated.http
        .patch(`/api/v1/users/${onlyAdmin.id}`)
        .set(bearer(onlyAdmin))
        .send({ disabled: true })
        .expect(409);
      await isolated.http
        .patch(`/api/v1/users/${onlyAdmin.id}`)
        .set(bearer(onlyAdmin))
        .send({ role: 'agent' })
        .expect(409);

      const secondAdmin = await createUserAndLogin(isolated, 'admin');
      await isolated.http
        .patch(`/api/v1/users/${onlyAdmin.id}`)
        .set(bearer(secondAdmin))
        .send({ role: 'agent' })
        .expect(200);
    } finally {
      await isolated.close();
      await database.destroy();
    }
  });
});
