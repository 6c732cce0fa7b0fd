import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { timeZoneOfPhone } from '../../common/time-zones/phone-time-zone.js';
import { type ImportRow, TAG_SEPARATOR } from './import-layout.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/**
 * Writes a chunk of import rows with one set-based statement: columns go in as arrays, `unnest`
 * turns them back into rows, and `ON CONFLICT (phone)` updates the contacts that exist. Empty
 * cells (nulls) keep the stored value; tags given replace the stored tags; attributes given are
 * merged over the stored ones. `xmax = 0` holds exactly for the rows this statement inserted.
 * The rows of one chunk must have distinct phones (the import removes duplicates first).
 */
const UPSERT_SQL = `
  WITH upserted AS (
    INSERT INTO contacts AS c (phone, name, first_name, last_name, tags, attributes, time_zone, phone_time_zone)
    SELECT r.phone, r.name, r.first_name, r.last_name,
           COALESCE(string_to_array(r.tags, '${TAG_SEPARATOR}'), '{}'),
           COALESCE(r.attributes::jsonb, '{}'), r.time_zone, r.phone_time_zone
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
      AS r (phone, name, first_name, last_name, tags, attributes, time_zone, phone_time_zone)
    ON CONFLICT (phone) DO UPDATE SET
      time_zone = COALESCE(EXCLUDED.time_zone, c.time_zone),
      phone_time_zone = EXCLUDED.phone_time_zone,
      name = COALESCE(EXCLUDED.name, c.name),
      first_name = COALESCE(EXCLUDED.first_name, c.first_name),
      last_name = COALESCE(EXCLUDED.last_name, c.last_name),
      tags = CASE WHEN cardinality(EXCLUDED.tags) > 0 THEN EXCLUDED.tags ELSE c.tags END,
      attributes = c.attributes || EXCLUDED.attributes,
      updated_at = now()
    RETURNING (xmax = 0) AS inserted
  )
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
  FROM upserted`;

@Injectable()
export class ContactImportWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async upsert(rows: readonly ImportRow[]): Promise<UpsertCounts> {
    if (rows.length === 0) return { inserted: 0, updated: 0 };
    // Sorted, so concurrent imports lock the rows they share in the same order instead of deadlocking.
    const ordered = [...rows].sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
    const [counts] = await this.dataSource.query<UpsertCounts[]>(UPSERT_SQL, [
      ordered.map((row) => row.phone),
      ordered.map((row) => row.name),
      ordered.map((row) => row.firstName),
      ordered.map((row) => row.lastName),
      // Tags read from the file never contain the separator, so joining them is lossless.
      ordered.map((row) => (row.tags ? row.tags.join(TAG_SEPARATOR) : null)),
      ordered.map((row) => (row.attributes ? JSON.stringify(row.attributes) : null)),
      ordered.map((row) => row.timeZone),
      // Derived here, per chunk, so the dispatcher can group recipients by zone in SQL.
      ordered.map((row) => timeZoneOfPhone(row.phone)),
    ]);
    return counts;
  }
}
