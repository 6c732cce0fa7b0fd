import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { NotFoundError } from '../../common/errors/domain-error.js';
import { queryRows } from '../../database/query-rows.js';
import type { ConsentAction } from './consent-origin.js';

export interface ConsentEventRow {
  id: string;
  contact_id: string;
  phone: string | null;
  action: ConsentAction;
  source: 'keyword' | 'api' | 'import' | 'provider';
  channel_id: string | null;
  keyword: string | null;
  message_id: string | null;
  user_id: string | null;
  at: Date;
}

const EXPORT_PAGE = 5000;

/**
 * Reads the consent ledger. Rows are written only with the consent change itself (see
 * consentChangeSql) and the database refuses to update or delete them. They hold no personal data
 * of their own: the phone is read through the contact, so erasing a contact blanks it in every
 * answer while the fact, time and source of each opt-out stay provable.
 */
@Injectable()
export class ConsentLedgerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Oldest first. A contact that was erased or never existed is a 404. */
  async history(contactId: string): Promise<ConsentEventRow[]> {
    const [contact] = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT id FROM contacts WHERE id = $1 AND erased_at IS NULL`,
      [contactId],
    );
    if (!contact) throw new NotFoundError('Contact', contactId);
    return queryRows<ConsentEventRow>(
      this.dataSource,
      `SELECT e.*, e.id::text AS id, c.phone FROM consent_events e JOIN contacts c ON c.id = e.contact_id
        WHERE e.contact_id = $1 ORDER BY e.id`,
      [contactId],
    );
  }

  /** Every event in [from, to), oldest first, read in keyset pages so any volume streams. */
  async *between(from: Date | undefined, to: Date | undefined): AsyncGenerator<ConsentEventRow[]> {
    let after = '0';
    for (;;) {
      const rows = await queryRows<ConsentEventRow>(
        this.dataSource,
        `SELECT e.*, e.id::text AS id, c.phone FROM consent_events e JOIN contacts c ON c.id = e.contact_id
          WHERE e.id > $1::bigint AND ($2::timestamptz IS NULL OR e.at >= $2) AND ($3::timestamptz IS NULL OR e.at < $3)
          ORDER BY e.id LIMIT $4`,
        [after, from ?? null, to ?? null, EXPORT_PAGE],
      );
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }
}
