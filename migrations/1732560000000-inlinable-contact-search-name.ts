import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `contact_search_name` said IMMUTABLE but called concat_ws, which PostgreSQL only knows as STABLE,
 * and the planner never inlines a function whose body is less immutable than the function: every
 * row a name search looked at paid a SQL function call (1.7 µs a row; a search walks thousands of
 * newest contacts and rechecks every candidate the trigram index finds). The new body builds the
 * same string (the non-null parts joined by one space) from immutable operators only, so it is
 * inlined and costs what the expression costs. The result is the same for every input, so
 * `contacts_name_trgm_idx`, built on the old body, stays valid without a rebuild.
 */
export class InlinableContactSearchName1732560000000 implements MigrationInterface {
  name = 'InlinableContactSearchName1732560000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION contact_search_name(name text, first_name text, last_name text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE
         AS $$ SELECT lower(substr(coalesce(' ' || name, '') || coalesce(' ' || first_name, '')
                                   || coalesce(' ' || last_name, ''), 2)) $$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION contact_search_name(name text, first_name text, last_name text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE
         AS $$ SELECT lower(concat_ws(' ', name, first_name, last_name)) $$`,
    );
  }
}
