import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';

import { ConflictError, NotFoundError } from '../common/errors/domain-error.js';
import { decodeCursor } from '../common/pagination/cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { toE164OrThrow } from '../common/phone/phone-number.js';
import { timeZoneOfPhone } from '../common/time-zones/phone-time-zone.js';
import { canonicalTimeZone } from '../common/time-zones/time-zone.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { queryRows } from '../database/query-rows.js';
import { consentChangeSql, type ConsentOrigin, originParams } from './consent/consent-origin.js';
import { Contact } from './contact.entity.js';
import { normaliseName, normaliseTags } from './contact-fields.js';
import { parseContactSearch } from './contact-search.js';

/** WhatsApp's customer-service window: free-form messages are allowed this long after the last inbound one. */
const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;

const PHONE_KEY = 'contacts_phone_key';

export interface NewContact {
  phone: string;
  defaultCountry?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  attributes?: Record<string, string>;
  tags?: string[];
  timeZone?: string;
}

/** Omitted fields keep their values; `null` clears a name; attributes and tags replace the stored ones. */
export interface ContactChanges {
  phone?: string;
  defaultCountry?: string;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  attributes?: Record<string, string>;
  tags?: string[];
  timeZone?: string | null;
}

export interface ContactFilter {
  search?: string;
  tag?: string;
  optedOut?: boolean;
}

/** How many of the newest contacts a search looks through before it asks the trigram index. */
const RECENT_SEARCH_WINDOW = 5_000;

@Injectable()
export class ContactsService {
  constructor(
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Any contact, erased ones included (their messages still point at them). */
  async get(id: string): Promise<Contact> {
    const contact = await this.contacts.findOneBy({ id });
    if (!contact) throw new NotFoundError('Contact', id);
    return contact;
  }

  /** A contact that has not been erased: what the contacts API shows. */
  async getActive(id: string): Promise<Contact> {
    const contact = await this.contacts.findOneBy({ id, erasedAt: IsNull() });
    if (!contact) throw new NotFoundError('Contact', id);
    return contact;
  }

  /** 409 when a contact already has the number, however it was written. */
  async create(input: NewContact): Promise<Contact> {
    const phone = toE164OrThrow(input.phone, 'phone', input.defaultCountry);
    const contact = this.contacts.create({
      phone,
      name: normaliseName(input.name ?? null),
      firstName: normaliseName(input.firstName ?? null),
      lastName: normaliseName(input.lastName ?? null),
      attributes: input.attributes ?? {},
      tags: normaliseTags(input.tags ?? []),
      timeZone: input.timeZone === undefined ? null : (canonicalTimeZone(input.timeZone) ?? null),
      phoneTimeZone: timeZoneOfPhone(phone),
    });
    // Re-read so the columns the database filled in (timestamps, nulls) are what the caller sees.
    return this.get((await this.saveOrConflict(contact)).id);
  }

  /** Newest first, erased contacts left out; the cursor is stable under concurrent inserts. */
  async list(filter: ContactFilter, limit: number, cursor?: string): Promise<Page<Contact>> {
    const position = cursor ? decodeCursor(cursor) : undefined;
    /** `walkNewest`: the search as a plain filter, so no index serves it and the newest rows are walked. */
    const build = (walkNewest = false) => {
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
      const match =
        search?.kind === 'name'
          ? `contact_search_name(c.name, c.first_name, c.last_name) LIKE lower(:pattern)`
          : search && 'c.phone LIKE :pattern';
      if (match) query.andWhere(walkNewest ? `(${match}) IS TRUE` : match, { pattern: search?.pattern });
      return query;
    };
    const page = (rows: Contact[]) =>
      toPage(
        rows,
        limit,
        (contact) => ({ at: contact.createdAt, id: contact.id }),
        (contact) => contact,
      );

    if (!filter.search) return page(await build().getMany());
    // An infix search either matches many contacts, and a page is found among the newest few
    // thousand, or few, and the trigram index finds them all at once. PostgreSQL cannot tell which
    // from its statistics (it guesses a tenth of a percent for any infix LIKE, and then reads every
    // match of a common term to sort them), so the newest rows are walked first, bounded, and the
    // index is asked only when they do not fill the page.
    const boundary = await this.nthNewest(RECENT_SEARCH_WINDOW, position);
    if (boundary) {
      const recent = await build(true).andWhere('(c.created_at, c.id) >= (:bat, :bid)', boundary).getMany();
      if (recent.length > limit) return page(recent);
    }
    return page(await build().getMany());
  }

  /** The position of the n-th newest active contact after `position`, if there are that many. */
  private async nthNewest(
    n: number,
    position: { at: string; id: string } | undefined,
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

  async update(id: string, changes: ContactChanges): Promise<Contact> {
    const contact = await this.getActive(id);
    if (changes.phone !== undefined) {
      contact.phone = toE164OrThrow(changes.phone, 'phone', changes.defaultCountry);
      contact.phoneTimeZone = timeZoneOfPhone(contact.phone);
    }
    if (changes.timeZone !== undefined)
      contact.timeZone = changes.timeZone === null ? null : (canonicalTimeZone(changes.timeZone) ?? null);
    if (changes.name !== undefined) contact.name = normaliseName(changes.name);
    if (changes.firstName !== undefined) contact.firstName = normaliseName(changes.firstName);
    if (changes.lastName !== undefined) contact.lastName = normaliseName(changes.lastName);
    if (changes.attributes !== undefined) contact.attributes = changes.attributes;
    if (changes.tags !== undefined) contact.tags = normaliseTags(changes.tags);
    contact.updatedAt = new Date();
    return this.saveOrConflict(contact);
  }

  /**
   * Erases the personal data but keeps the row, so messages and campaign counts keep pointing at
   * it; the number becomes free for a new contact. Channel identities are personal data too.
   */
  async erase(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
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
      if (erased.length === 0) throw new NotFoundError('Contact', id);
      await manager.query(`DELETE FROM contact_identities WHERE contact_id = $1`, [id]);
    });
  }

  /**
   * Opt-out is per contact, across every channel; repeating it keeps the first opt-out time. Every
   * request is a row of the consent ledger, written in the same statement.
   */
  async changeConsent(id: string, optedOut: boolean, origin: ConsentOrigin): Promise<Contact> {
    const changed = await queryRows<{ id: string }>(
      this.dataSource,
      consentChangeSql(optedOut, 'AND erased_at IS NULL'),
      [id, ...originParams(origin)],
    );
    if (changed.length === 0) throw new NotFoundError('Contact', id);
    return this.get(id);
  }

  /** The contact with this E.164 number, created on first contact (safe under concurrency). */
  async findOrCreateByPhone(phone: string): Promise<Contact> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `INSERT INTO contacts (phone, phone_time_zone) VALUES ($1, $2)
       ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
       RETURNING id`,
      [phone, timeZoneOfPhone(phone)],
    );
    return this.get(rows[0].id as string);
  }

  /** A contact known by a non-phone channel identity (Messenger, Telegram, …). */
  async findOrCreateByIdentity(channel: string, identity: string): Promise<Contact> {
    const existing = await this.dataSource.query<Array<{ contact_id: string }>>(
      `SELECT contact_id FROM contact_identities WHERE channel = $1 AND identity = $2`,
      [channel, identity],
    );
    if (existing.length > 0) return this.get(existing[0].contact_id);
    return this.dataSource.transaction(async (manager) => {
      const [created] = await manager.query<Array<{ id: string }>>(
        `INSERT INTO contacts (name) VALUES (NULL) RETURNING id`,
      );
      const claimed = await manager.query<Array<{ contact_id: string }>>(
        `INSERT INTO contact_identities (contact_id, channel, identity) VALUES ($1, $2, $3)
         ON CONFLICT (channel, identity) DO UPDATE SET channel = EXCLUDED.channel
         RETURNING contact_id`,
        [created.id, channel, identity],
      );
      const contact = await manager.findOneByOrFail(Contact, { id: claimed[0].contact_id });
      return contact;
    });
  }

  async setOptedOut(contactId: string, optedOut: boolean, origin: ConsentOrigin): Promise<void> {
    await this.dataSource.query(consentChangeSql(optedOut), [contactId, ...originParams(origin)]);
  }

  /** An inbound WhatsApp message opens (or extends) the 24-hour window for free-form replies. */
  async refreshWhatsAppWindow(contactId: string, receivedAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE contacts SET wa_window_expires_at = GREATEST(COALESCE(wa_window_expires_at, $2), $2), updated_at = now() WHERE id = $1`,
      [contactId, new Date(receivedAt.getTime() + WHATSAPP_WINDOW_MS)],
    );
  }

  private async saveOrConflict(contact: Contact): Promise<Contact> {
    try {
      return await this.contacts.save(contact);
    } catch (error) {
      if (isUniqueViolation(error, PHONE_KEY))
        throw new ConflictError(`A contact with phone ${contact.phone} already exists`);
      throw error;
    }
  }
}
