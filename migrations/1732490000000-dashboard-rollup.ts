import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin dashboard's figures: hourly message counts per channel, direction and status, rolled up
 * from `messages` by a background job, so the dashboard reads a few hundred rollup rows plus the
 * messages of the current hour instead of a week of messages.
 */
export class DashboardRollup1732490000000 implements MigrationInterface {
  name = 'DashboardRollup1732490000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // BRIN, not B-tree: messages are appended in created_at order, so block ranges summarise it in a
    // few kilobytes; inserts into the unsummarised tail cost nothing, and created_at is never
    // updated, so status updates stay as cheap as before. It finds the last hours' rows without a
    // scan of the whole table.
    await queryRunner.query(`CREATE INDEX messages_created_at_brin ON messages USING brin (created_at)`);
    await queryRunner.query(`
      CREATE TABLE message_hourly_counts (
        hour timestamptz(3) NOT NULL,
        channel_id uuid NOT NULL,
        direction text NOT NULL,
        status text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (hour, channel_id, direction, status)
      )`);
    // One row: the hours before rolled_until are in message_hourly_counts; later ones are counted live.
    await queryRunner.query(`
      CREATE TABLE message_rollup_state (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        rolled_until timestamptz(3) NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO message_rollup_state (rolled_until) VALUES ('-infinity')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE message_rollup_state`);
    await queryRunner.query(`DROP TABLE message_hourly_counts`);
    await queryRunner.query(`DROP INDEX messages_created_at_brin`);
  }
}
