import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login attempts counted in the database, so every instance enforces one limit; and a cheap BRIN index
 * on when webhook events arrived, so the retention job finds old ones without a full scan (events are
 * appended in time order, which is what BRIN needs, and it costs next to nothing on the ingest path).
 */
export class SharedThrottlingAndRetention1732430000000 implements MigrationInterface {
  name = 'SharedThrottlingAndRetention1732430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE throttle_counters (
        key text PRIMARY KEY,
        hits int NOT NULL,
        window_ends_at timestamptz(3) NOT NULL,
        blocked_until timestamptz(3)
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_events_received_at_brin ON webhook_events USING brin (received_at)`,
    );
    await queryRunner.query(`CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX refresh_tokens_expires_at_idx`);
    await queryRunner.query(`DROP INDEX webhook_events_received_at_brin`);
    await queryRunner.query(`DROP TABLE throttle_counters`);
  }
}
