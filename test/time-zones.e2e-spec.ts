import { expect } from '@jest/globals';

import { bodyOf, fieldsOf } from './support/bodies.js';
import { randomPhone, zonelessPhone } from './support/messaging.js';
import { bearer, createUserAndLogin, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

interface ContactBody {
  id: string;
  phone: string | null;
  timeZone: string | null;
  timeZoneSource: 'contact' | 'phone' | null;
}

interface ImportBody {
  imported: number;
  updated: number;
  rejected: Array<{ line: number; reason: string }>;
}

describe('Contact time zones', () => {
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    sut = await startTestApp();
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(() => sut.close());

  const createContact = async (body: Record<string, unknown>) =>
    bodyOf<ContactBody>(await sut.http.post('/api/v1/contacts').set(bearer(admin)).send(body).expect(201));
  const getContact = async (id: string) =>
    bodyOf<ContactBody>(await sut.http.get(`/api/v1/contacts/${id}`).set(bearer(admin)).expect(200));

  it('derives the zone from the area code when none is given', async () => {
    const newYork = await createContact({ phone: randomPhone('212') });
    const losAngeles = await createContact({ phone: randomPhone('415') });
    const honolulu = await createContact({ phone: randomPhone('808') });

    expect(newYork).toMatchObject({ timeZone: 'America/New_York', timeZoneSource: 'phone' });
    expect(losAngeles).toMatchObject({ timeZone: 'America/Los_Angeles', timeZoneSource: 'phone' });
    expect(honolulu).toMatchObject({ timeZone: 'Pacific/Honolulu', timeZoneSource: 'phone' });
  });

  it('says null when the number spans zones with different clocks', async () => {
    // +61 8 covers both Adelaide and Perth, 1.5 hours apart.
    const contact = await createContact({ phone: zonelessPhone() });
    expect(contact).toMatchObject({ timeZone: null, timeZoneSource: null });
  });

  it('prefers a given zone, canonicalises it, and goes back to the derived one when cleared', async () => {
    const contact = await createContact({ phone: randomPhone('212'), timeZone: 'america/chicago' });
    expect(contact).toMatchObject({ timeZone: 'America/Chicago', timeZoneSource: 'contact' });

    await sut.http
      .patch(`/api/v1/contacts/${contact.id}`)
      .set(bearer(admin))
      .send({ timeZone: null })
      .expect(200);
    expect(await getContact(contact.id)).toMatchObject({
      timeZone: 'America/New_York',
      timeZoneSource: 'phone',
    });

    const moved = await sut.http
      .patch(`/api/v1/contacts/${contact.id}`)
      .set(bearer(admin))
      .send({ phone: randomPhone('808') })
      .expect(200);
    expect(bodyOf<ContactBody>(moved)).toMatchObject({
      timeZone: 'Pacific/Honolulu',
      timeZoneSource: 'phone',
    });
  });

  it('rejects a null timeZone on create (leave it out instead) naming the field', async () => {
    const response = await sut.http
      .post('/api/v1/contacts')
      .set(bearer(admin))
      .send({ phone: randomPhone('212'), timeZone: null })
      .expect(400);
    expect(fieldsOf(response)).toEqual(['timeZone']);
  });

  it.each(['Mars/Olympus_Mons', '+01:00', 'EST5EDT; DROP', 42])(
    'rejects %p as timeZone naming the field',
    async (timeZone) => {
      const created = await sut.http
        .post('/api/v1/contacts')
        .set(bearer(admin))
        .send({ phone: randomPhone('212'), timeZone })
        .expect(400);
      expect(fieldsOf(created)).toEqual(['timeZone']);

      const contact = await createContact({ phone: randomPhone('212') });
      const patched = await sut.http
        .patch(`/api/v1/contacts/${contact.id}`)
        .set(bearer(admin))
        .send({ timeZone })
        .expect(400);
      expect(fieldsOf(patched)).toEqual(['timeZone']);
    },
  );

  it('imports a timeZone column, derives the zone for rows without one and rejects unknown zones', async () => {
    const [given, derived, bad] = [randomPhone('212'), randomPhone('415'), randomPhone('312')];
    const csv = `phone,timeZone\n${given},Europe/Lisbon\n${derived},\n${bad},Nowhere/Special\n`;
    const response = await sut.http
      .post('/api/v1/contacts/import')
      .set(bearer(admin))
      .attach('file', Buffer.from(csv), { filename: 'contacts.csv', contentType: 'text/csv' })
      .expect(200);
    const result = bodyOf<ImportBody>(response);
    expect(result.imported).toBe(2);
    expect(result.rejected).toEqual([
      { line: 4, reason: expect.stringContaining('timeZone') as unknown as string },
    ]);

    const byPhone = async (phone: string) => {
      const page = await sut.http
        .get('/api/v1/contacts')
        .query({ search: phone })
        .set(bearer(admin))
        .expect(200);
      return bodyOf<{ items: ContactBody[] }>(page).items[0];
    };
    expect(await byPhone(given)).toMatchObject({ timeZone: 'Europe/Lisbon', timeZoneSource: 'contact' });
    expect(await byPhone(derived)).toMatchObject({
      timeZone: 'America/Los_Angeles',
      timeZoneSource: 'phone',
    });
  });
});
