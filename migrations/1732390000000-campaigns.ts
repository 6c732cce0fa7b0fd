import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Campaigns, and what the dispatcher needs on `messages` to materialise, send and reconcile them. */
export class Campaigns1732390000000 implements MigrationInterface {
  name = 'Campaigns1732390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        channel_id uuid NOT NULL REFERENCES channels (id),
        message jsonb NOT NULL,
        audience jsonb NOT NULL,
        scheduled_at timestamptz(3),
        rate_per_second int CHECK (rate_per_second BETWEEN 1 AND 1000000),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed')),
        failure_reason text,
        total int NOT NULL DEFAULT 0,
        skipped_opted_out int NOT NULL DEFAULT 0,
        skipped_invalid int NOT NULL DEFAULT 0,
        materialized_at timestamptz(3),
        -- The audience is materialised in chunks by contact id; the last contact id done so far.
        materialized_through uuid,
        started_at timestamptz(3),
        completed_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX campaigns_created_at_id_idx ON campaigns (created_at DESC, id DESC)`,
    );
    // The dispatcher's two questions each tick: which scheduled campaigns are due, which are sending.
    await queryRunner.query(
      `CREATE INDEX campaigns_due_idx ON campaigns (scheduled_at) WHERE status = 'scheduled'`,
    );
    await queryRunner.query(
      `CREATE INDEX campaigns_sending_idx ON campaigns (started_at) WHERE status = 'sending'`,
    );

    await queryRunner.query(`ALTER TABLE messages ADD COLUMN batch_reference text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_campaign_contact_key ON messages (campaign_id, contact_id) WHERE campaign_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX messages_campaign_status_idx ON messages (campaign_id, status) WHERE campaign_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX messages_batch_reference_idx ON messages (batch_reference) WHERE batch_reference IS NOT NULL`,
    );

    // The dispatcher's queue: one row per send unit (a provider request for batch providers, a chunk
    // of single requests otherwise), fixed when the audience is materialised. Claims, leases and
    // retries are written here, once per unit, rather than on each of a million message rows.
    await queryRunner.query(`
      CREATE TABLE campaign_batches (
        reference text PRIMARY KEY,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels (id),
        size int NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3),
        sending_until timestamptz(3),
        done_at timestamptz(3)
      )`);
    await queryRunner.query(
      `CREATE INDEX campaign_batches_open_idx ON campaign_batches (campaign_id, reference) WHERE done_at IS NULL`,
    );
    // Units whose sender may have crashed mid-request.
    await queryRunner.query(
      `CREATE INDEX campaign_batches_lease_idx ON campaign_batches (sending_until) WHERE done_at IS NULL AND sending_until IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE campaign_batches`);
    for (const index of [
      'messages_batch_reference_idx',
      'messages_campaign_status_idx',
      'messages_campaign_contact_key',
    ]) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN batch_reference`);
    await queryRunner.query(`DROP TABLE campaigns`);
  }
}
