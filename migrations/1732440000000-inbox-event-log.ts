import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox event log behind the live stream: every instance tails it, so a change made on one instance
 * reaches browsers connected to any other, and a client that reconnects replays what it missed. The
 * bigserial id is the SSE event id. BRIN on `created_at` lets the retention job find old rows for
 * almost nothing on the write path.
 */
export class InboxEventLog1732440000000 implements MigrationInterface {
  name = 'InboxEventLog1732440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inbox_events (
        id bigserial PRIMARY KEY,
        type text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX inbox_events_created_at_brin ON inbox_events USING brin (created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox_events`);
  }
}
