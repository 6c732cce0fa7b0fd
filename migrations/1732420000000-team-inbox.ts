import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The team inbox: who owns a conversation, snoozing it until a time, internal notes and canned
 * responses. A snoozed conversation always has a wake-up time and no other status has one (a CHECK,
 * so the wake-up job and the inbound reopen can never leave a half-snoozed row). The indexes follow
 * the inbox filters (assignee, then status, newest activity first) and the wake-up job, which only
 * ever reads snoozed rows.
 */
export class TeamInbox1732420000000 implements MigrationInterface {
  name = 'TeamInbox1732420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE conversations DROP CONSTRAINT conversations_status_check`);
    await queryRunner.query(`
      ALTER TABLE conversations
        ADD COLUMN assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
        ADD COLUMN snoozed_until timestamptz(3),
        ADD CONSTRAINT conversations_status_check CHECK (status IN ('open', 'snoozed', 'closed', 'archived')),
        ADD CONSTRAINT conversations_snoozed_until_check CHECK ((status = 'snoozed') = (snoozed_until IS NOT NULL))`);
    await queryRunner.query(
      `CREATE INDEX conversations_assignee_activity_idx ON conversations (assignee_id, last_message_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX conversations_assignee_status_activity_idx ON conversations (assignee_id, status, last_message_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX conversations_snoozed_until_idx ON conversations (snoozed_until) WHERE status = 'snoozed'`,
    );

    await queryRunner.query(`
      CREATE TABLE conversation_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES conversations (id),
        author_id uuid NOT NULL REFERENCES users (id),
        text text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX conversation_notes_thread_idx ON conversation_notes (conversation_id, created_at, id)`,
    );

    await queryRunner.query(`
      CREATE TABLE canned_responses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shortcode text NOT NULL,
        text text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX canned_responses_shortcode_key ON canned_responses (lower(shortcode))`,
    );
    await queryRunner.query(
      `CREATE INDEX canned_responses_created_at_id_idx ON canned_responses (created_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE canned_responses`);
    await queryRunner.query(`DROP TABLE conversation_notes`);
    await queryRunner.query(`UPDATE conversations SET status = 'open' WHERE status = 'snoozed'`);
    await queryRunner.query(`
      ALTER TABLE conversations
        DROP CONSTRAINT conversations_snoozed_until_check,
        DROP CONSTRAINT conversations_status_check,
        DROP COLUMN snoozed_until,
        DROP COLUMN assignee_id,
        ADD CONSTRAINT conversations_status_check CHECK (status IN ('open', 'closed', 'archived'))`);
  }
}
