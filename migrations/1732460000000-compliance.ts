import type { MigrationInterface, QueryRunner } from 'typeorm';

import { timeZoneOfPhone } from '../src/common/time-zones/phone-time-zone.js';

const BACKFILL_CHUNK = 5000;
const NEW_OPT_OUT_KEYWORDS = ['STOP ALL', 'REVOKE', 'OPTOUT', 'OPT OUT'];

/**
 * Consent and compliance: each contact's time zone (given, and derived from the number so the
 * dispatcher can group by zone in SQL), campaign send windows and frequency caps (`held` and
 * `skipped` campaign messages), the append-only consent ledger, and the free-text opt-out flag on
 * conversations.
 */
export class Compliance1732460000000 implements MigrationInterface {
  name = 'Compliance1732460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE contacts ADD COLUMN time_zone text, ADD COLUMN phone_time_zone text`,
    );
    await this.backfillPhoneTimeZones(queryRunner);

    await queryRunner.query(`ALTER TABLE messages DROP CONSTRAINT messages_status_check`);
    await queryRunner.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_status_check
         CHECK (status IN ('queued', 'held', 'skipped', 'sent', 'delivered', 'read', 'failed', 'rejected', 'received'))`,
    );
    // The recipient's zone when it was materialised: held rows are released per zone.
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN time_zone text`);
    await queryRunner.query(
      `CREATE INDEX messages_campaign_held_idx ON messages (campaign_id, time_zone) WHERE status = 'held'`,
    );
    // Frequency caps count a contact's campaign messages sent within the last hours.
    await queryRunner.query(
      `CREATE INDEX messages_contact_campaign_sent_idx ON messages (contact_id, status_updated_at)
         WHERE campaign_id IS NOT NULL AND status IN ('sent', 'delivered', 'read')`,
    );
    await queryRunner.query(
      `ALTER TABLE campaigns ADD COLUMN send_window jsonb, ADD COLUMN frequency_cap jsonb`,
    );

    await queryRunner.query(`
      CREATE TABLE consent_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contact_id uuid NOT NULL REFERENCES contacts (id),
        action text NOT NULL CHECK (action IN ('opt_out', 'opt_in')),
        source text NOT NULL CHECK (source IN ('keyword', 'api', 'import', 'provider')),
        channel_id uuid,
        keyword text,
        message_id uuid,
        user_id uuid,
        at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX consent_events_contact_idx ON consent_events (contact_id, id)`);
    await queryRunner.query(`CREATE INDEX consent_events_at_idx ON consent_events (at, id)`);
    // Append-only is the point of a ledger: the database refuses to edit or delete its rows.
    await queryRunner.query(`
      CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_events is append-only';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
         FOR EACH ROW EXECUTE FUNCTION consent_events_append_only()`,
    );

    await queryRunner.query(`ALTER TABLE conversations ADD COLUMN opt_out_requested_at timestamptz(3)`);

    // The FCC's 2025 list: REVOKE and OPT OUT (and their spellings) must work like STOP.
    await queryRunner.query(
      `UPDATE auto_replies
          SET keywords = keywords || ARRAY(SELECT k FROM unnest($1::text[]) AS k WHERE NOT k = ANY(keywords))
        WHERE builtin = 'opt_out'`,
      [NEW_OPT_OUT_KEYWORDS],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE auto_replies SET keywords = ARRAY(SELECT k FROM unnest(keywords) AS k WHERE NOT k = ANY($1::text[]))
        WHERE builtin = 'opt_out'`,
      [NEW_OPT_OUT_KEYWORDS],
    );
    await queryRunner.query(`ALTER TABLE conversations DROP COLUMN opt_out_requested_at`);
    await queryRunner.query(`DROP TABLE consent_events`);
    await queryRunner.query(`DROP FUNCTION consent_events_append_only()`);
    await queryRunner.query(`ALTER TABLE campaigns DROP COLUMN send_window, DROP COLUMN frequency_cap`);
    await queryRunner.query(`DROP INDEX messages_contact_campaign_sent_idx`);
    await queryRunner.query(`DROP INDEX messages_campaign_held_idx`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN time_zone`);
    await queryRunner.query(`DELETE FROM messages WHERE status IN ('held', 'skipped')`);
    await queryRunner.query(`ALTER TABLE messages DROP CONSTRAINT messages_status_check`);
    await queryRunner.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_status_check
         CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'rejected', 'received'))`,
    );
    await queryRunner.query(`ALTER TABLE contacts DROP COLUMN time_zone, DROP COLUMN phone_time_zone`);
  }

  /** The derived zone of the contacts that exist, in id order and chunks, set-based per chunk. */
  private async backfillPhoneTimeZones(queryRunner: QueryRunner): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT id, phone FROM contacts WHERE phone IS NOT NULL AND ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
        [after, BACKFILL_CHUNK],
      )) as Array<{ id: string; phone: string }>;
      if (rows.length === 0) return;
      await queryRunner.query(
        `UPDATE contacts c SET phone_time_zone = r.zone
           FROM unnest($1::uuid[], $2::text[]) AS r (id, zone) WHERE c.id = r.id`,
        [rows.map((row) => row.id), rows.map((row) => timeZoneOfPhone(row.phone))],
      );
      after = rows[rows.length - 1].id;
    }
  }
}
