import { randomUUID } from 'node:crypto';

import type { DataSource } from 'typeorm';

import { Contact } from '../src/contacts/contact.entity.js';
import { ContactsRepository } from '../src/contacts/contacts.repository.js';
import { createMigratedDatabase, type MigratedDatabase } from './support/migrated-database.js';

/**
 * ContactsRepository against a database of its own (PostgreSQL, or PGlite without DATABASE_URL):
 * the statements whose guarantees only the database can show — first sight under concurrency,
 * erasure, consent with its ledger row, and the newest-first search walk.
 */
let database: MigratedDatabase;
let dataSource: DataSource;
let contacts: ContactsRepository;

beforeAll(async () => {
  database = await createMigratedDatabase(4);
  dataSource = database.dataSource;
  contacts = new ContactsRepository(dataSource.getRepository(Contact), dataSource);
});

afterAll(async () => {
  await database?.destroy();
});

const consentRows = async (contactId: string) =>
  dataSource.query<Array<{ action: string }>>(
    `SELECT action FROM consent_events WHERE contact_id = $1 ORDER BY id`,
    [contactId],
  );

describe('ContactsRepository', () => {
  it('gives concurrent first messages from one number, or one channel identity, one contact', async () => {
    const byPhone = await Promise.all(
      Array.from({ length: 4 }, () => contacts.upsertByPhone('+14155550111', 'America/Los_Angeles')),
    );
    expect(new Set(byPhone).size).toBe(1);
    expect((await contacts.findById(byPhone[0]))?.phoneTimeZone).toBe('America/Los_Angeles');

    const byIdentity = await Promise.all(
      Array.from({ length: 4 }, () => contacts.contactIdOfIdentity('messenger', 'psid-4711')),
    );
    expect(new Set(byIdentity).size).toBe(1);
    expect(await contacts.contactIdOfIdentity('messenger', 'psid-4711')).toBe(byIdentity[0]);
  });

  it('erases once: the row stays without its personal data, its identities go, a second erase finds nothing', async () => {
    const id = await contacts.contactIdOfIdentity('telegram', 'tg-99');
    await dataSource.query(`UPDATE contacts SET name = 'Ada', phone = '+14155550122' WHERE id = $1`, [id]);

    expect(await contacts.erase(id)).toBe(true);
    expect(await contacts.erase(id)).toBe(false);

    const erased = await contacts.findById(id);
    expect(erased).toMatchObject({ phone: null, name: null });
    expect(erased?.erasedAt).toBeInstanceOf(Date);
    expect(await contacts.findActiveById(id)).toBeNull();
    // The identity is free again: the next message from it starts a new contact.
    expect(await contacts.contactIdOfIdentity('telegram', 'tg-99')).not.toBe(id);
  });

  it('writes a ledger row with every consent change, and leaves erased contacts alone when asked to', async () => {
    const id = await contacts.upsertByPhone('+14155550133', null);
    const origin = { source: 'api', userId: randomUUID() } as const;

    expect(await contacts.changeConsent(id, true, origin, { activeOnly: true })).toBe(true);
    const optedOutAt = (await contacts.findById(id))?.optedOutAt;
    expect(optedOutAt).toBeInstanceOf(Date);
    expect(await contacts.changeConsent(id, true, origin)).toBe(true);
    expect((await contacts.findById(id))?.optedOutAt).toEqual(optedOutAt);
    expect((await consentRows(id)).map((row) => row.action)).toEqual(['opt_out', 'opt_out']);

    await contacts.erase(id);
    expect(await contacts.changeConsent(id, false, origin, { activeOnly: true })).toBe(false);
    expect(await consentRows(id)).toHaveLength(2);
  });

  it('pages a search newest first without repeating or skipping a contact', async () => {
    await dataSource.query(
      `INSERT INTO contacts (phone, name, created_at)
       SELECT '+1628555' || lpad(g::text, 4, '0'), 'Pager ' || g, now() - make_interval(secs => g)
         FROM generate_series(1, 25) g`,
    );
    const seen: string[] = [];
    let position: { at: string; id: string } | undefined;
    for (;;) {
      const rows = await contacts.page({ search: 'pager' }, 10, position);
      seen.push(...rows.slice(0, 10).map((row) => row.name ?? ''));
      if (rows.length <= 10) break;
      const last = rows[9];
      position = { at: last.createdAt.toISOString(), id: last.id };
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `Pager ${i + 1}`));
  });

  it('pages a term that fills a page only beyond the first walk newest first, whole and in order', async () => {
    // One contact in 200 matches, the newest of all: the first 5,000 rows hold 25 of a page of 50,
    // so the walk goes on to fill it, and the later pages come from wherever the search finds them.
    await dataSource.query(
      `INSERT INTO contacts (phone, first_name, last_name, created_at)
       SELECT '+1629555' || lpad(g::text, 5, '0'),
              CASE WHEN g % 200 = 0 THEN 'Quillon' ELSE 'Other' END, 'Vexmoor ' || g,
              now() + interval '1 day' + make_interval(secs => g)
         FROM generate_series(1, 16000) g`,
    );
    const expected = Array.from({ length: 80 }, (_, i) => `quillon vexmoor ${16000 - 200 * i}`);

    const seen: string[] = [];
    let position: { at: string; id: string } | undefined;
    for (;;) {
      const rows = await contacts.page({ search: 'Quillon Vexmoor' }, 50, position);
      seen.push(...rows.slice(0, 50).map((row) => `${row.firstName} ${row.lastName}`.toLowerCase()));
      if (rows.length <= 50) break;
      const last = rows[49];
      position = { at: last.createdAt.toISOString(), id: last.id };
    }

    expect(seen).toEqual(expected);
  });

  it('finds a name with a number in it by the whole term, not by the number alone', async () => {
    await dataSource.query(
      `INSERT INTO contacts (phone, name) VALUES
         ('+16285559001', 'Customer 1042'), ('+16285559002', 'Customer 10421'),
         ('+16285559003', 'Client 1042'), ('+16285559004', 'Store 1042 Customer')`,
    );

    const found = await contacts.page({ search: 'customer 1042' }, 10);

    expect(found.map((row) => row.name).sort()).toEqual(['Customer 1042', 'Customer 10421']);
  });

  it('moves the WhatsApp window only forward', async () => {
    const id = await contacts.upsertByPhone('+14155550144', null);
    const later = new Date(Date.now() + 24 * 3600_000);
    await contacts.extendWhatsAppWindow(id, later);
    await contacts.extendWhatsAppWindow(id, new Date(Date.now() + 3600_000));
    expect((await contacts.findById(id))?.waWindowExpiresAt?.getTime()).toBe(later.getTime());
  });
});
