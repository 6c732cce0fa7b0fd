import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Channels, contacts, conversations, messages and the webhook inbox. */
export class Messaging1732360000000 implements MigrationInterface {
  name = 'Messaging1732360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The forward order of message statuses, shared by every set-based status update.
    await queryRunner.query(`
      CREATE FUNCTION message_status_rank(status text) RETURNS int
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE status
          WHEN 'queued' THEN 0 WHEN 'received' THEN 0
          WHEN 'sent' THEN 1
          WHEN 'failed' THEN 2 WHEN 'rejected' THEN 2
          WHEN 'delivered' THEN 3
          WHEN 'read' THEN 4
          ELSE -1 END
      $$`);

    await queryRunner.query(`
      CREATE TABLE channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        provider text NOT NULL CHECK (provider IN ('sinch-sms', 'sinch-conversation', 'plivo', 'sandbox')),
        sender text NOT NULL,
        config jsonb NOT NULL DEFAULT '{}',
        encrypted_secrets text NOT NULL,
        webhook_token text NOT NULL UNIQUE,
        disabled_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX channels_created_at_id_idx ON channels (created_at DESC, id DESC)`);

    await queryRunner.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone text,
        name text,
        first_name text,
        last_name text,
        attributes jsonb NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        opted_out_at timestamptz(3),
        wa_window_expires_at timestamptz(3),
        erased_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX contacts_phone_key ON contacts (phone)`);
    await queryRunner.query(`CREATE INDEX contacts_created_at_id_idx ON contacts (created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX contacts_tags_idx ON contacts USING gin (tags)`);

    // Non-phone identities (Messenger, Telegram, …) by which a contact reaches a Conversation channel.
    await queryRunner.query(`
      CREATE TABLE contact_identities (
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        channel text NOT NULL,
        identity text NOT NULL,
        PRIMARY KEY (channel, identity)
      )`);
    await queryRunner.query(
      `CREATE INDEX contact_identities_contact_id_idx ON contact_identities (contact_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts (id),
        channel_id uuid NOT NULL REFERENCES channels (id),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'archived')),
        last_message_at timestamptz(3) NOT NULL DEFAULT now(),
        last_message_preview text,
        unread_count int NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (contact_id, channel_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX conversations_activity_idx ON conversations (last_message_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX conversations_status_activity_idx ON conversations (status, last_message_at DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        channel_id uuid NOT NULL REFERENCES channels (id),
        contact_id uuid NOT NULL REFERENCES contacts (id),
        conversation_id uuid NOT NULL REFERENCES conversations (id),
        campaign_id uuid,
        sent_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        recipient text,
        content jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'rejected', 'received')),
        status_reason text,
        error_code text,
        provider_status text,
        provider_message_id text,
        provider_batch_id text,
        client_reference text,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3),
        sending_until timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        status_updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_client_reference_key ON messages (client_reference)`,
    );
    await queryRunner.query(
      `CREATE INDEX messages_conversation_created_idx ON messages (conversation_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_provider_message_key ON messages (channel_id, direction, provider_message_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX messages_provider_batch_idx ON messages (provider_batch_id, recipient) WHERE provider_batch_id IS NOT NULL`,
    );
    // Single sends waiting for a retry. Campaign rows are left out: their queue is campaign_batches,
    // and a million queued campaign rows here would slow every campaign insert.
    await queryRunner.query(
      `CREATE INDEX messages_pending_idx ON messages (next_attempt_at)
        WHERE status = 'queued' AND direction = 'outbound' AND campaign_id IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider text NOT NULL,
        channel_id uuid NOT NULL REFERENCES channels (id),
        dedup_key text NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz(3) NOT NULL DEFAULT now(),
        processed_at timestamptz(3),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
        last_error text
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX webhook_events_dedup_key ON webhook_events (provider, dedup_key)`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_events_pending_idx ON webhook_events (next_attempt_at) WHERE processed_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'webhook_events',
      'messages',
      'conversations',
      'contact_identities',
      'contacts',
      'channels',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION message_status_rank(text)`);
  }
}
