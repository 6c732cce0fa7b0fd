import { randomBytes, randomInt, randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { bodyOf, errorOf, fieldsOf } from './support/bodies.js';
import type { PageView } from './support/inbox.js';
import { bearer, createUserAndLogin, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

interface ContactBody {
  id: string;
  phone: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  attributes: Record<string, string>;
  tags: string[];
  optedOut: boolean;
  optedOutAt: string | null;
  whatsappWindowExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A random valid US number (+1 415 NXX XXXX), so test files sharing the database never collide. */
const randomPhone = () => `+1415${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
/** `(415) 555-0123` for `+14155550123`: how people write a US number without its country code. */
const nationalUs = (e164: string) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
/** Letters only, so a search for it is a name search; unique so parallel tests never match it. */
const uniqueWord = (prefix: string) =>
  `${prefix}${randomBytes(6)
    .toString('hex')
    .replace(/\d/g, (digit) => 'ghijklmnop'[Number(digit)])}`;
const ids = (items: ContactBody[]) => items.map((contact) => contact.id);

describe('Contacts', () => {
  let sut: TestApp;
  let admin: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    sut = await startTestApp();
    admin = await createUserAndLogin(sut, 'admin');
    agent = await createUserAndLogin(sut, 'agent');
  });
  afterAll(() => sut.close());

  const contactFactory = {
    create: async (overrides: Record<string, unknown> = {}, user: TestUser = admin): Promise<ContactBody> => {
      const response = await sut.http
        .post('/api/v1/contacts')
        .set(bearer(user))
        .send({ phone: randomPhone(), ...overrides })
        .expect(201);
      return response.body as ContactBody;
    },
  };
  const list = async (
    query: Record<string, string | number | boolean>,
    user: TestUser = admin,
  ): Promise<ContactBody[]> =>
    bodyOf<PageView<ContactBody>>(
      await sut.http
        .get('/api/v1/contacts')
        .query({ limit: 200, ...query })
        .set(bearer(user))
        .expect(200),
    ).items;

  describe('creating', () => {
    it('stores a nationally written number with its default country in E.164 and returns every field', async () => {
      const phone = randomPhone();

      const response = await sut.http
        .post('/api/v1/contacts')
        .set(bearer(admin))
        .send({
          phone: nationalUs(phone),
          defaultCountry: 'US',
          name: '  Ada Lovelace ',
          firstName: 'Ada',
          lastName: 'Lovelace',
          attributes: { company: 'Analytical Engines' },
          tags: [' vip', 'newsletter', 'vip '],
        })
        .expect(201);

      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        phone,
        name: 'Ada Lovelace',
        firstName: 'Ada',
        lastName: 'Lovelace',
        attributes: { company: 'Analytical Engines' },
        tags: ['vip', 'newsletter'],
        optedOut: false,
        optedOutAt: null,
        timeZone: 'America/Los_Angeles',
        timeZoneSource: 'phone',
        whatsappWindowExpiresAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const fetched = await sut.http
        .get(`/api/v1/contacts/${bodyOf<ContactBody>(response).id}`)
        .set(bearer(admin))
        .expect(200);
      expect(fetched.body).toEqual(response.body);
    });

    it('refuses a number that exists already, however it is written, with 409', async () => {
      const existing = await contactFactory.create();

      for (const written of [
        nationalUs(existing.phone!),
        `00${existing.phone!.slice(1)}`,
        `+1 ${existing.phone!.slice(2)}`,
      ]) {
        const response = await sut.http
          .post('/api/v1/contacts')
          .set(bearer(admin))
          .send({ phone: written, defaultCountry: 'US' })
          .expect(409);
        expect(response.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
    });

    it('names every bad field in a 400', async () => {
      const response = await sut.http
        .post('/api/v1/contacts')
        .set(bearer(admin))
        .send({
          phone: '555-01',
          name: 'x'.repeat(201),
          tags: ['ok', 'y'.repeat(65)],
          attributes: { 'not a key': 'x' },
        })
        .expect(400);

      expect(fieldsOf(response).sort()).toEqual(['attributes', 'name', 'phone', 'tags']);
    });

    it.each([
      [{}, 'phone'],
      [{ phone: 'not a number' }, 'phone'],
      [{ phone: '(415) 555-0100', defaultCountry: 'XX' }, 'defaultCountry'],
      [{ phone: '+14155550100', attributes: { plan: 3 } }, 'attributes'],
      [{ phone: '+14155550100', tags: Array.from({ length: 51 }, (_, index) => `t${index}`) }, 'tags'],
      [{ phone: '+14155550100', admin: true }, 'admin'],
      [{ phone: '+14155550100', name: 'Nul\u0000Name' }, 'name'],
      [{ phone: '+14155550100', attributes: { note: 'x\u0000' } }, 'attributes.note'],
    ])('answers 400 for %p, naming %p', async (body, field) => {
      const response = await sut.http.post('/api/v1/contacts').set(bearer(admin)).send(body).expect(400);

      expect(errorOf(response).details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });
  });

  describe('listing', () => {
    it('finds contacts by part of a name, first or last name, in any letter case', async () => {
      const word = uniqueWord('Lovelace');
      const byName = await contactFactory.create({ name: `Countess ${word}` });
      const byFirst = await contactFactory.create({ firstName: word.toUpperCase() });
      const byLast = await contactFactory.create({ lastName: `${word}-King` });
      await contactFactory.create({ name: 'Someone Else' });

      const found = await list({ search: word.toLowerCase().slice(2) });

      expect(ids(found).sort()).toEqual([byName.id, byFirst.id, byLast.id].sort());
    });

    it('finds contacts by their number, written in full or in part', async () => {
      const contact = await contactFactory.create();
      const phone = contact.phone!;

      expect(ids(await list({ search: phone }))).toEqual([contact.id]);
      expect(ids(await list({ search: nationalUs(phone) }))).toEqual([contact.id]);
      expect(ids(await list({ search: phone.slice(0, 9) }))).toContain(contact.id);
      expect(ids(await list({ search: phone.slice(-7) }))).toContain(contact.id);
    });

    it('finds a match among thousands of newer contacts, and pages a common term newest first without gaps', async () => {
      const rare = uniqueWord('Rarest');
      const common = uniqueWord('Common');
      const prefix = `+1303${randomInt(100, 999)}`;
      // In the past, so they never push other tests' contacts off a first page; the rare one is older
      // than more contacts than a search walks before it asks the trigram index.
      const [old] = await sut.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO contacts (phone, name, created_at) VALUES ($1 || '9999', $2, now() - interval '3 hours') RETURNING id`,
        [prefix, `The ${rare} one`],
      );
      await sut.dataSource.query(
        `INSERT INTO contacts (phone, name, created_at)
         SELECT $2::text || lpad(g::text, 4, '0'), $1::text || ' ' || g, now() - make_interval(secs => 6000 - g)
           FROM generate_series(1, 5200) g`,
        [common, prefix],
      );

      expect(ids(await list({ search: rare.toLowerCase() }))).toEqual([old.id]);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = bodyOf<PageView<ContactBody>>(
          await sut.http
            .get('/api/v1/contacts')
            .query({ search: common, limit: 100, ...(cursor ? { cursor } : {}) })
            .set(bearer(admin))
            .expect(200),
        );
        seen.push(...page.items.map((contact) => contact.name!));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(5200);
      expect(seen.slice(0, 3)).toEqual([`${common} 5200`, `${common} 5199`, `${common} 5198`]);
      expect(new Set(seen).size).toBe(5200);
    });

    it('takes LIKE wildcards in a search literally', async () => {
      const word = uniqueWord('Percent');
      const literal = await contactFactory.create({ name: `${word} 100%_off` });
      await contactFactory.create({ name: `${word} 100 and more off` });

      expect(ids(await list({ search: `${word} 100%_` }))).toEqual([literal.id]);
    });

    it('filters by tag and by opt-out, alone and combined', async () => {
      const tag = uniqueWord('tag');
      const plain = await contactFactory.create({ tags: [tag] });
      const optedOut = await contactFactory.create({ tags: [tag, 'other'] });
      await sut.http.post(`/api/v1/contacts/${optedOut.id}/opt-out`).set(bearer(admin)).expect(200);
      await contactFactory.create({ tags: ['other'] });

      expect(ids(await list({ tag })).sort()).toEqual([plain.id, optedOut.id].sort());
      expect(ids(await list({ tag, optedOut: true }))).toEqual([optedOut.id]);
      expect(ids(await list({ tag, optedOut: false }))).toEqual([plain.id]);
      const optedOutAnywhere = await list({ optedOut: true });
      expect(optedOutAnywhere.every((contact) => contact.optedOut)).toBe(true);
    });

    it('pages newest first through every matching contact exactly once, even while contacts are added', async () => {
      const tag = uniqueWord('page');
      const created: string[] = [];
      for (let index = 0; index < 7; index += 1)
        created.push((await contactFactory.create({ tags: [tag] })).id);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response = await sut.http
          .get('/api/v1/contacts')
          .query(cursor ? { tag, limit: 2, cursor } : { tag, limit: 2 })
          .set(bearer(admin))
          .expect(200);
        const page: PageView<ContactBody> = bodyOf(response);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...ids(page.items));
        cursor = page.nextCursor;
        pages += 1;
        // Newer contacts land before the cursor, so they must not disturb the walk.
        if (pages === 2) await contactFactory.create({ tags: [tag] });
      } while (cursor);

      const all = ids(await list({ tag }));
      expect(all).toHaveLength(created.length + 1);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...created].sort());
      // The same order as one big page, minus the contact added behind the cursor.
      expect(seen).toEqual(all.filter((id) => created.includes(id)));
      expect(pages).toBe(4);
    });

    it('refuses a page size above 200, a forged cursor and a bad optedOut with 400', async () => {
      await sut.http.get('/api/v1/contacts').query({ limit: 201 }).set(bearer(admin)).expect(400);
      const forged = await sut.http
        .get('/api/v1/contacts')
        .query({ cursor: 'not-a-cursor' })
        .set(bearer(admin))
        .expect(400);
      expect(errorOf(forged).details).toEqual([expect.objectContaining({ field: 'cursor' })]);
      const optedOut = await sut.http
        .get('/api/v1/contacts')
        .query({ optedOut: 'maybe' })
        .set(bearer(admin))
        .expect(400);
      expect(errorOf(optedOut).details).toEqual([expect.objectContaining({ field: 'optedOut' })]);
      const nul = await sut.http
        .get('/api/v1/contacts')
        .query({ search: 'a\u0000b', tag: '\u0000' })
        .set(bearer(admin))
        .expect(400);
      expect(fieldsOf(nul).sort()).toEqual(['search', 'tag']);
    });
  });

  describe('changing', () => {
    it('updates names, replaces attributes and tags, and clears a name with null', async () => {
      const contact = await contactFactory.create({
        name: 'Ada',
        firstName: 'Ada',
        attributes: { a: '1', b: '2' },
        tags: ['x', 'y'],
      });

      const response = await sut.http
        .patch(`/api/v1/contacts/${contact.id}`)
        .set(bearer(admin))
        .send({
          name: 'Ada King',
          firstName: null,
          lastName: 'King',
          attributes: { c: '3' },
          tags: ['z', ' z'],
        })
        .expect(200);

      expect(response.body).toMatchObject({
        id: contact.id,
        phone: contact.phone,
        name: 'Ada King',
        firstName: null,
        lastName: 'King',
        attributes: { c: '3' },
        tags: ['z'],
      });
      expect(Date.parse(bodyOf<ContactBody>(response).updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(contact.updatedAt),
      );
    });

    it('re-normalises a new phone with its default country and refuses one that another contact has', async () => {
      const contact = await contactFactory.create();
      const other = await contactFactory.create();
      const newPhone = randomPhone();

      const changed = await sut.http
        .patch(`/api/v1/contacts/${contact.id}`)
        .set(bearer(admin))
        .send({ phone: nationalUs(newPhone), defaultCountry: 'us' })
        .expect(200);
      expect(bodyOf<ContactBody>(changed).phone).toBe(newPhone);

      await sut.http
        .patch(`/api/v1/contacts/${contact.id}`)
        .set(bearer(admin))
        .send({ phone: nationalUs(other.phone!), defaultCountry: 'US' })
        .expect(409);
      const invalid = await sut.http
        .patch(`/api/v1/contacts/${contact.id}`)
        .set(bearer(admin))
        .send({ phone: '12' })
        .expect(400);
      expect(errorOf(invalid).details).toEqual([expect.objectContaining({ field: 'phone' })]);
    });

    it('opts a contact out and back in, keeping the first opt-out time', async () => {
      const contact = await contactFactory.create();

      const out = await sut.http
        .post(`/api/v1/contacts/${contact.id}/opt-out`)
        .set(bearer(admin))
        .expect(200);
      expect(out.body).toMatchObject({ id: contact.id, optedOut: true, optedOutAt: expect.any(String) });
      const again = await sut.http
        .post(`/api/v1/contacts/${contact.id}/opt-out`)
        .set(bearer(admin))
        .expect(200);
      expect(bodyOf<ContactBody>(again).optedOutAt).toBe(bodyOf<ContactBody>(out).optedOutAt);

      const back = await sut.http
        .post(`/api/v1/contacts/${contact.id}/opt-in`)
        .set(bearer(admin))
        .expect(200);
      expect(back.body).toMatchObject({ id: contact.id, optedOut: false, optedOutAt: null });
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const unknown = randomUUID();

      await sut.http.get(`/api/v1/contacts/${unknown}`).set(bearer(admin)).expect(404);
      await sut.http.patch(`/api/v1/contacts/${unknown}`).set(bearer(admin)).send({ name: 'x' }).expect(404);
      await sut.http.delete(`/api/v1/contacts/${unknown}`).set(bearer(admin)).expect(404);
      await sut.http.post(`/api/v1/contacts/${unknown}/opt-out`).set(bearer(admin)).expect(404);
      await sut.http.get('/api/v1/contacts/not-a-uuid').set(bearer(admin)).expect(400);
    });
  });

  describe('erasing', () => {
    it('erases the personal data but keeps the row, hides the contact and frees its number', async () => {
      const word = uniqueWord('Erase');
      const contact = await contactFactory.create({
        name: word,
        firstName: 'Eve',
        attributes: { secret: 'x' },
        tags: [word],
      });

      await sut.http.delete(`/api/v1/contacts/${contact.id}`).set(bearer(admin)).expect(204);

      await sut.http.get(`/api/v1/contacts/${contact.id}`).set(bearer(admin)).expect(404);
      await sut.http
        .patch(`/api/v1/contacts/${contact.id}`)
        .set(bearer(admin))
        .send({ name: 'back' })
        .expect(404);
      await sut.http.post(`/api/v1/contacts/${contact.id}/opt-in`).set(bearer(admin)).expect(404);
      await sut.http.delete(`/api/v1/contacts/${contact.id}`).set(bearer(admin)).expect(404);
      expect(await list({ search: word })).toEqual([]);
      expect(await list({ tag: word })).toEqual([]);

      const [row] = await sut.dataSource.query<Array<Record<string, unknown>>>(
        `SELECT phone, name, first_name, last_name, attributes, tags, erased_at FROM contacts WHERE id = $1`,
        [contact.id],
      );
      expect(row).toEqual({
        phone: null,
        name: null,
        first_name: null,
        last_name: null,
        attributes: {},
        tags: [],
        erased_at: expect.any(Date),
      });

      const again = await contactFactory.create({ phone: contact.phone });
      expect(again.id).not.toBe(contact.id);
    });
  });

  describe('access', () => {
    it('lets agents manage contacts', async () => {
      const contact = await contactFactory.create({ name: 'By agent' }, agent);

      await sut.http.get(`/api/v1/contacts/${contact.id}`).set(bearer(agent)).expect(200);
      await sut.http.get('/api/v1/contacts').set(bearer(agent)).expect(200);
      await sut.http
        .patch(`/api/v1/contacts/${contact.id}`)
        .set(bearer(agent))
        .send({ tags: ['agent'] })
        .expect(200);
      await sut.http.post(`/api/v1/contacts/${contact.id}/opt-out`).set(bearer(agent)).expect(200);
      await sut.http.delete(`/api/v1/contacts/${contact.id}`).set(bearer(agent)).expect(204);
    });

    it('answers 401 without a token', async () => {
      await sut.http.get('/api/v1/contacts').expect(401);
      await sut.http.post('/api/v1/contacts').send({ phone: randomPhone() }).expect(401);
    });
  });
});
