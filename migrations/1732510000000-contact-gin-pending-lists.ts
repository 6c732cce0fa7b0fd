import type { MigrationInterface, QueryRunner } from 'typeorm';

const CONTACT_GIN_INDEXES = [
  'contacts_name_trgm_idx',
  'contacts_phone_trgm_idx',
  'contacts_name_words_idx',
  'contacts_tags_idx',
];

/**
 * The GIN indexes on `contacts` keep new entries in a pending list until a vacuum (or a full list)
 * merges them, and every search reads that whole list. With the default of 4 MB, a million contacts
 * imported or seeded in one go left a quarter of a megabyte to 2 MB unmerged, and a name search took
 * 45 ms instead of 20 (bench:dispatch's agent probe, which searches right after seeding). 256 kB keeps
 * inserts batched while bounding what a search reads to 32 pages.
 */
export class ContactGinPendingLists1732510000000 implements MigrationInterface {
  name = 'ContactGinPendingLists1732510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of CONTACT_GIN_INDEXES)
      await queryRunner.query(`ALTER INDEX ${index} SET (gin_pending_list_limit = 256)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of CONTACT_GIN_INDEXES)
      await queryRunner.query(`ALTER INDEX ${index} RESET (gin_pending_list_limit)`);
  }
}
