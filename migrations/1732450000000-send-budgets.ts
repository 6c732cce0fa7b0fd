import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Send budgets shared by every instance: one row per limited channel (its `maxPerSecond`) and per
 * rate-limited campaign (its `ratePerSecond`), holding when the limit is next free. See SendBudget.
 */
export class SendBudgets1732450000000 implements MigrationInterface {
  name = 'SendBudgets1732450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE send_budgets (
        key text PRIMARY KEY,
        per_second double precision NOT NULL CHECK (per_second > 0),
        next_free_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE send_budgets`);
  }
}
