import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trigram indexes for `GET /contacts?search=`: infix matches on names and on phone digits are served
 * by an index instead of a walk of the table, which at a million contacts is the difference between
 * milliseconds and a second for a rare term. pg_trgm is a contrib extension of every PostgreSQL
 * distribution (and loaded into the embedded PGlite). Names are matched through one function,
 * `contact_search_name`, so the index and ContactsService's query cannot drift apart; concat_ws is
 * only STABLE in general (for arguments of any type) but immutable for text, which is all it gets.
 */
export class ContactSearchTrigrams1732470000000 implements MigrationInterface {
  name = 'ContactSearchTrigrams1732470000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE FUNCTION contact_search_name(name text, first_name text, last_name text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE
         AS $$ SELECT lower(concat_ws(' ', name, first_name, last_name)) $$`,
    );
    await queryRunner.query(
      `CREATE INDEX contacts_name_trgm_idx ON contacts
         USING gin (contact_search_name(name, first_name, last_name) gin_trgm_ops) WHERE erased_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX contacts_phone_trgm_idx ON contacts USING gin (phone gin_trgm_ops) WHERE erased_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX contacts_phone_trgm_idx`);
    await queryRunner.query(`DROP INDEX contacts_name_trgm_idx`);
    await queryRunner.query(`DROP FUNCTION contact_search_name(text, text, text)`);
  }
}
