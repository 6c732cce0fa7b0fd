import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, Repository } from 'typeorm';

import { queryRows } from '../database/query-rows.js';
import { consentChangeSql, type ConsentOrigin, originParams } from './consent/consent-origin.js';
import { Contact } from './contact.entity.js';
import { parseContactSearch } from './contact-search.js';

export interface ContactFilter {
  search?: string;
  tag?: string;
  optedOut?: boolean;
}

/** Where a page starts: after this contact in newest-first order. */
export interface ContactPosition {
  at: string;
  id: string;
}

/** How many of the newest contacts a search looks through first. */
const RECENT_SEARCH_WINDOW = 5_000;
/**
 * How far the walk may go on when its matches so far promise to fill the page within it. Walking a
 * row costs about 0.8 µs; the trigram index path costs about 13 ms plus 2 µs per match in the whole
 * table, so at 1,000,000 contacts the walk is the cheaper one for a term one contact in 400 or more
 * matches (20,000 rows for a page of 50).
 */
const MAX_RECENT_SEARCH_WALK = 20_000;

/**
 * How many more of the newest rows are likely to hold `missing` more matches, at the rate `found`
 * in `walked` (with a quarter to spare); 0, so the index is asked, when the walk found none.
 */
function rowsLikelyToFill(missing: number, found: number, walked: number): number {
  return found === 0 ? 0 : Math.ceil(((missing * walked) / found) * 1.25);
}

/** The `contacts` table and the channel identities that point at its rows. */
@Injectable()
export class ContactsRepository {
  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  findById(id: string): Promise<Contact | null> {
    return this.contacts.findOneBy({ id });
  }

  findActiveById(id: string): Promise<Contact | null> {
    return this.contacts.findOneBy({ id, erasedAt: IsNull() });
  }

  /** A new, unsaved entity with the database's defaults for what `fields` leaves out. */
  build(fields: Partial<Contact>): Contact {
    return this.contacts.create(fields);
  }

  /** Inserts or updates; a taken number surfaces as the database's unique violation. */
  save(contact: Contact): Promise<Contact> {
    return this.contacts.save(contact);
  }

  /**
   * Up to `limit + 1` active contacts, newest first, after `position`; the extra one tells the
   * caller there is a next page.
   */
  async page(filter: ContactFilter, limit: number, position?: ContactPosition): Promise<Contact[]> {
    if (!filter.search) return this.pageQuery(filter, limit, position).getMany();
    // An infix search either matches many contacts, and a page is found among the newest few
    // thousand, or few, and the trigram index finds them all at once. PostgreSQL cannot tell which
    // from its statistics (it guesses a tenth of a percent for any infix LIKE, and then reads every
    // match of a common term to sort them), so the newest rows are walked first, bounded (further
    // when the matches found so far promise a page soon), and the index is asked only when the walk
    // does not fill the page.
    const found: Contact[] = [];
    let after = position;
    let walked = 0;
    let window = RECENT_SEARCH_WINDOW;
    while (window > 0 && walked + window <= MAX_RECENT_SEARCH_WALK) {
      const boundary = await this.nthNewest(window, after);
      if (!boundary) break;
      found.push(
        ...(await this.pageQuery(filter, limit, after, true)
          .andWhere('(c.created_at, c.id) >= (:bat, :bid)', boundary)
          .getMany()),
      );
      if (found.length > limit) return found.slice(0, limit + 1);
      walked += window;
      after = { at: boundary.bat.toISOString(), id: boundary.bid };
      window = rowsLikelyToFill(limit + 1 - found.length, found.length, walked);
    }
    return this.pageQuery(filter, limit, position).getMany();
  }

  /** `walkNewest`: the search as a plain filter, so no index serves it and the newest rows are walked. */
  private pageQuery(filter: ContactFilter, limit: number, position?: ContactPosition, walkNewest = false) {
    const query = this.contacts
      .createQueryBuilder('c')
      .where('c.erased_at IS NULL')
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (position) query.andWhere('(c.created_at, c.id) < (:at, :id)', position);
    if (filter.tag !== undefined) query.andWhere('c.tags @> ARRAY[:tag]::text[]', { tag: filter.tag });
    if (filter.optedOut !== undefined) {
      query.andWhere(filter.optedOut ? 'c.opted_out_at IS NOT NULL' : 'c.opted_out_at IS NULL');
    }
    const search = parseContactSearch(filter.search);
    // The name function is what contacts_name_trgm_idx indexes (migration 1732470000000).
    if (!search) return query;
    const name = 'contact_search_name(c.name, c.first_name, c.last_name)';
    const match = search.kind === 'name' ? `${name} LIKE lower(:pattern)` : 'c.phone LIKE :pattern';
    if (walkNewest) return query.andWhere(`(${match}) IS TRUE`, { pattern: search.pattern });
    if (search.kind === 'name' && search.indexPattern) {
      // IS TRUE keeps the whole term out of the index condition: only the number is looked up.
      return query.andWhere(`${name} LIKE lower(:indexPattern) AND (${match}) IS TRUE`, {
        indexPattern: search.indexPattern,
        pattern: search.pattern,
      });
    }
    query.andWhere(match, { pattern: search.pattern });
    return query;
  }

  /**
   * Erases the personal data but keeps the row, and drops the contact's channel identities; false
   * when there is no such active contact.
   */
  async erase(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const erased = await queryRows<{ id: string }>(
        manager,
        `UPDATE contacts
         SET phone = NULL, name = NULL, first_name = NULL, last_name = NULL, attributes = '{}', tags = '{}',
             time_zone = NULL, phone_time_zone = NULL,
             wa_window_expires_at = NULL, erased_at = now(), updated_at = now()
         WHERE id = $1 AND erased_at IS NULL
         RETURNING id`,
        [id],
      );
      if (erased.length === 0) return false;
      await manager.query(`DELETE FROM contact_identities WHERE contact_id = $1`, [id]);
      return true;
    });
  }

  /**
   * Records an opt-out or opt-in with its consent ledger row in one statement; `activeOnly` leaves
   * erased contacts alone. False when no contact matched.
   */
  async changeConsent(
    id: string,
    optedOut: boolean,
    origin: ConsentOrigin,
    { activeOnly = false }: { activeOnly?: boolean } = {},
  ): Promise<boolean> {
    const changed = await queryRows<{ id: string }>(
      this.dataSource,
      consentChangeSql(optedOut, activeOnly ? 'AND erased_at IS NULL' : ''),
      [id, ...originParams(origin)],
    );
    return changed.length > 0;
  }

  /** The id of the contact with this E.164 number, inserted on first sight (safe under concurrency). */
  async upsertByPhone(phone: string, phoneTimeZone: string | null): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO contacts (phone, phone_time_zone) VALUES ($1, $2)
       ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
       RETURNING id`,
      [phone, phoneTimeZone],
    );
    return row.id;
  }

  /** The id of the contact a non-phone channel identity belongs to, created with it on first sight. */
  async contactIdOfIdentity(channel: string, identity: string): Promise<string> {
    const [existing] = await queryRows<{ contact_id: string }>(
      this.dataSource,
      `SELECT contact_id FROM contact_identities WHERE channel = $1 AND identity = $2`,
      [channel, identity],
    );
    if (existing) return existing.contact_id;
    return this.dataSource.transaction(async (manager) => {
      const [created] = await queryRows<{ id: string }>(
        manager,
        `INSERT INTO contacts (name) VALUES (NULL) RETURNING id`,
      );
      // A concurrent first message from the same identity may have claimed it: its contact wins.
      const [claimed] = await queryRows<{ contact_id: string }>(
        manager,
        `INSERT INTO contact_identities (contact_id, channel, identity) VALUES ($1, $2, $3)
         ON CONFLICT (channel, identity) DO UPDATE SET channel = EXCLUDED.channel
         RETURNING contact_id`,
        [created.id, channel, identity],
      );
      return claimed.contact_id;
    });
  }

  /** Moves the WhatsApp window's end to `expiresAt`, never earlier than it is. */
  async extendWhatsAppWindow(contactId: string, expiresAt: Date, tx?: EntityManager): Promise<void> {
    await (tx ?? this.dataSource).query(
      `UPDATE contacts SET wa_window_expires_at = GREATEST(COALESCE(wa_window_expires_at, $2), $2), updated_at = now() WHERE id = $1`,
      [contactId, expiresAt],
    );
  }

  /** The position of the n-th newest active contact after `position`, if there are that many. */
  private async nthNewest(
    n: number,
    position: ContactPosition | undefined,
  ): Promise<{ bat: Date; bid: string } | undefined> {
    const params: unknown[] = [n - 1];
    const after = position ? `AND (created_at, id) < ($2, $3)` : '';
    if (position) params.push(position.at, position.id);
    const [row] = await queryRows<{ created_at: Date; id: string }>(
      this.dataSource,
      `SELECT created_at, id FROM contacts WHERE erased_at IS NULL ${after}
        ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
      params,
    );
    return row && { bat: row.created_at, bid: row.id };
  }
}
