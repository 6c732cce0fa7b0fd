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
        started_at timestamptz(3),
        completed_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX campaigns_created_at_id_idx ON campaigns (created_at DESC, id DESC)`);
    // The dispatcher's two questions each tick: which scheduled campaigns are due, which are sending.
    await queryRunner.query(`CREATE INDEX campaigns_due_idx ON campaigns (scheduled_at) WHERE status = 'scheduled'`);
    await queryRunner.query(`CREATE INDEX campaigns_sending_idx ON campaigns (started_at) WHERE status = 'sending'`);

    await queryRunner.query(`ALTER TABLE messages ADD COLUMN batch_reference text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_campaign_contact_key ON messages (campaign_id, contact_id) WHERE campaign_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX messages_campaign_status_idx ON messages (campaign_id, status) WHERE campaign_id IS NOT NULL`);
    // The dispatcher's claim reads only the rows it takes, however many are still queued.
    await queryRunner.query(
      `CREATE INDEX messages_campaign_queued_idx ON messages (campaign_id, id) WHERE status = 'queued' AND sending_until IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX messages_batch_reference_idx ON messages (batch_reference) WHERE batch_reference IS NOT NULL`);
    // Campaign rows whose sender may have crashed mid-request.
    await queryRunner.query(
      `CREATE INDEX messages_campaign_lease_idx ON messages (sending_until)
        WHERE campaign_id IS NOT NULL AND status = 'queued' AND sending_until IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['messages_campaign_queued_idx', 'messages_campaign_lease_idx', 'messages_batch_reference_idx', 'messages_campaign_status_idx', 'messages_campaign_contact_key']) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN batch_reference`);
    await queryRunner.query(`DROP TABLE campaigns`);
  }
}
