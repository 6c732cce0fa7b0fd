import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The newest-first indexes of the busy tables, by name, as they were and as they become. */
const RECENCY_INDEXES = [
  ['conversations_activity_idx', 'conversations', 'last_message_at DESC, id DESC', 'last_message_at, id'],
  [
    'conversations_status_activity_idx',
    'conversations',
    'status, last_message_at DESC, id DESC',
    'status, last_message_at, id',
  ],
  [
    'conversations_channel_activity_idx',
    'conversations',
    'channel_id, last_message_at DESC, id DESC',
    'channel_id, last_message_at, id',
  ],
  [
    'conversations_assignee_activity_idx',
    'conversations',
    'assignee_id, last_message_at DESC, id DESC',
    'assignee_id, last_message_at, id',
  ],
  [
    'conversations_assignee_status_activity_idx',
    'conversations',
    'assignee_id, status, last_message_at DESC, id DESC',
    'assignee_id, status, last_message_at, id',
  ],
  [
    'messages_conversation_created_idx',
    'messages',
    'conversation_id, created_at DESC, id DESC',
    'conversation_id, created_at, id',
  ],
  ['contacts_created_at_id_idx', 'contacts', 'created_at DESC, id DESC', 'created_at, id'],
] as const;

/**
 * The newest-first indexes of conversations, messages and contacts are stored ascending; the
 * newest-first reads scan them backwards, which PostgreSQL does as well as forwards.
 *
 * New rows always carry the newest time (and, since migration 1732500000000, the highest id). In a
 * descending index that puts each one before the previous: a page that fills splits in half and the
 * older half is never written again, so these indexes stayed half empty (pgstatindex: 50 % leaf
 * density after a campaign, against 90 % for the primary key) and a campaign wrote twice the pages,
 * and twice the full-page images to the WAL, that it needed. In ascending order a new row goes after
 * the previous one, where PostgreSQL splits a page so the full part stays full.
 */
export class AscendingRecencyIndexes1732520000000 implements MigrationInterface {
  name = 'AscendingRecencyIndexes1732520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [index, table, , ascending] of RECENCY_INDEXES) {
      await queryRunner.query(`DROP INDEX ${index}`);
      await queryRunner.query(`CREATE INDEX ${index} ON ${table} (${ascending})`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [index, table, descending] of RECENCY_INDEXES) {
      await queryRunner.query(`DROP INDEX ${index}`);
      await queryRunner.query(`CREATE INDEX ${index} ON ${table} (${descending})`);
    }
  }
}
