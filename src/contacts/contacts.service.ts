import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { ConflictError, NotFoundError } from '../common/errors/domain-error.js';
import { decodeCursor } from '../common/pagination/cursor.js';
import { type Page, toPage } from '../common/pagination/page.js';
import { toE164OrThrow } from '../common/phone/phone-number.js';
import { timeZoneOfPhone } from '../common/time-zones/phone-time-zone.js';
import { canonicalTimeZone } from '../common/time-zones/time-zone.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import type { ConsentOrigin } from './consent/consent-origin.js';
import type { Contact } from './contact.entity.js';
import { normaliseName, normaliseTags } from './contact-fields.js';
import { type ContactFilter, ContactsRepository } from './contacts.repository.js';

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

@Injectable()
export class ContactsService {
  constructor(private readonly contacts: ContactsRepository) {}

  /** Any contact, erased ones included (their messages still point at them). */
  async get(id: string): Promise<Contact> {
    const contact = await this.contacts.findById(id);
    if (!contact) throw new NotFoundError('Contact', id);
    return contact;
  }

  /** A contact that has not been erased: what the contacts API shows. */
  async getActive(id: string): Promise<Contact> {
    const contact = await this.contacts.findActiveById(id);
    if (!contact) throw new NotFoundError('Contact', id);
    return contact;
  }

  /** 409 when a contact already has the number, however it was written. */
  async create(input: NewContact): Promise<Contact> {
    const phone = toE164OrThrow(input.phone, 'phone', input.defaultCountry);
    const contact = this.contacts.build({
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
    const rows = await this.contacts.page(filter, limit, cursor ? decodeCursor(cursor) : undefined);
    return toPage(
      rows,
      limit,
      (contact) => ({ at: contact.createdAt, id: contact.id }),
      (contact) => contact,
    );
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
    if (!(await this.contacts.erase(id))) throw new NotFoundError('Contact', id);
  }

  /**
   * Opt-out is per contact, across every channel; repeating it keeps the first opt-out time. Every
   * request is a row of the consent ledger, written in the same statement.
   */
  async changeConsent(id: string, optedOut: boolean, origin: ConsentOrigin): Promise<Contact> {
    if (!(await this.contacts.changeConsent(id, optedOut, origin, { activeOnly: true })))
      throw new NotFoundError('Contact', id);
    return this.get(id);
  }

  /** The contact with this E.164 number, created on first contact (safe under concurrency). */
  async findOrCreateByPhone(phone: string): Promise<Contact> {
    return this.get(await this.contacts.upsertByPhone(phone, timeZoneOfPhone(phone)));
  }

  /** A contact known by a non-phone channel identity (Messenger, Telegram, …). */
  async findOrCreateByIdentity(channel: string, identity: string): Promise<Contact> {
    return this.get(await this.contacts.contactIdOfIdentity(channel, identity));
  }

  async setOptedOut(contactId: string, optedOut: boolean, origin: ConsentOrigin): Promise<void> {
    await this.contacts.changeConsent(contactId, optedOut, origin);
  }

  /** An inbound WhatsApp message opens (or extends) the 24-hour window for free-form replies. */
  async refreshWhatsAppWindow(contactId: string, receivedAt: Date, tx?: EntityManager): Promise<void> {
    await this.contacts.extendWhatsAppWindow(
      contactId,
      new Date(receivedAt.getTime() + WHATSAPP_WINDOW_MS),
      tx,
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
