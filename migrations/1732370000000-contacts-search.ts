import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contact search by the start of a number (`?search=+49151`): a LIKE prefix match can use a btree
 * only with text_pattern_ops (the unique index follows the database collation). Name and infix
 * searches would need pg_trgm, which the embedded database cannot install.
 */
export class ContactsSearch1732370000000 implements MigrationInterface {
  name = 'ContactsSearch1732370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX contacts_phone_pattern_idx ON contacts (phone text_pattern_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX contacts_phone_pattern_idx`);
  }
}
