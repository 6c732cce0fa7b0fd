import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Must stay identical to CONTACT_NAME_WORDS in src/conversations/inbox-search.ts for the index to be used. */
const CONTACT_NAME_WORDS = `to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, ''))`;

/**
 * Auto-replies, with the built-in consent keywords seeded (their texts are editable, they cannot be
 * removed), and the indexes behind the inbox: per-channel activity, and contact search by name words
 * (full-text, built in, unlike pg_trgm which the embedded database lacks) and by the end of the
 * number (a reversed-phone prefix, so "5550100" finds +14155550100).
 */
export class InboxAndAutoReplies1732380000000 implements MigrationInterface {
  name = 'InboxAndAutoReplies1732380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX conversations_channel_activity_idx ON conversations (channel_id, last_message_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX contacts_name_words_idx ON contacts USING gin (${CONTACT_NAME_WORDS})`,
    );
    await queryRunner.query(
      `CREATE INDEX contacts_phone_suffix_idx ON contacts (reverse(phone) text_pattern_ops)`,
    );
    await queryRunner.query(`
      CREATE TABLE auto_replies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        builtin text UNIQUE CHECK (builtin IN ('opt_out', 'opt_in', 'help')),
        keywords text[] NOT NULL,
        match text NOT NULL CHECK (match IN ('exact', 'startsWith', 'contains')),
        reply text NOT NULL,
        channel_id uuid REFERENCES channels (id),
        action text NOT NULL DEFAULT 'none' CHECK (action IN ('none', 'opt_out', 'opt_in')),
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX auto_replies_created_at_id_idx ON auto_replies (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `INSERT INTO auto_replies (builtin, keywords, match, reply, action, created_at) VALUES
        ('opt_out', ARRAY['STOP','STOPALL','UNSUBSCRIBE','CANCEL','END','QUIT'], 'exact',
         'You are unsubscribed and will receive no more messages. Reply START to resubscribe.', 'opt_out', '2000-01-01T00:00:03Z'),
        ('opt_in', ARRAY['START','UNSTOP','YES'], 'exact',
         'You are subscribed again. Reply STOP to unsubscribe, HELP for help.', 'opt_in', '2000-01-01T00:00:02Z'),
        ('help', ARRAY['HELP','INFO'], 'exact',
         'Reply STOP to unsubscribe, START to resubscribe. Message and data rates may apply.', 'none', '2000-01-01T00:00:01Z')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE auto_replies`);
    await queryRunner.query(`DROP INDEX conversations_channel_activity_idx`);
    await queryRunner.query(`DROP INDEX contacts_name_words_idx`);
    await queryRunner.query(`DROP INDEX contacts_phone_suffix_idx`);
  }
}
