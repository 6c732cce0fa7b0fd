import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cheaper writes per campaign recipient (bench:dispatch counts them).
 *
 * - New messages and conversations get time-ordered ids (UUID version 7: a millisecond timestamp,
 *   then random bits). A campaign inserts a million of each; with random version 4 ids every insert
 *   lands on a random leaf of the primary keys (and of `messages_conversation_created_idx`, which
 *   leads with the conversation id), so the working set is the whole index and each checkpoint
 *   makes every leaf pay a full-page image in the WAL again. Ordered ids append to the right edge.
 *   Existing ids stay as they are: nothing orders by id alone, and ids of both kinds are valid UUIDs.
 * - The unique indexes on `client_reference` and on the provider's message id skip rows that have
 *   none (campaign recipients of batch providers never have a client reference, and no queued row
 *   has a provider id yet). NULLs never conflicted, so uniqueness is the same. The two indexes are
 *   rebuilt with writes to `messages` blocked meanwhile: with tens of millions of messages, migrate
 *   in a quiet moment.
 */
export class LeanCampaignWrites1732500000000 implements MigrationInterface {
  name = 'LeanCampaignWrites1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Bytes 0-5 the Unix time in milliseconds, version nibble 7 (bits 52 and 53 added to version 4's
    // bit 54), the variant bits kept from gen_random_uuid(). Written in SQL because PostgreSQL 15 and
    // PGlite have no uuidv7() (PostgreSQL 18 does).
    await queryRunner.query(`
      CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT encode(
                 set_bit(set_bit(
                   overlay(uuid_send(gen_random_uuid())
                           PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                           FROM 1 FOR 6),
                   52, 1), 53, 1),
                 'hex')::uuid
      $$`);
    await queryRunner.query(`ALTER TABLE messages ALTER COLUMN id SET DEFAULT uuid_v7()`);
    await queryRunner.query(`ALTER TABLE conversations ALTER COLUMN id SET DEFAULT uuid_v7()`);

    await queryRunner.query(`DROP INDEX messages_client_reference_key`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_client_reference_key ON messages (client_reference) WHERE client_reference IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX messages_provider_message_key`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_provider_message_key ON messages (channel_id, direction, provider_message_id)
        WHERE provider_message_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_provider_message_key`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_provider_message_key ON messages (channel_id, direction, provider_message_id)`,
    );
    await queryRunner.query(`DROP INDEX messages_client_reference_key`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_client_reference_key ON messages (client_reference)`,
    );
    await queryRunner.query(`ALTER TABLE conversations ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    await queryRunner.query(`ALTER TABLE messages ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    await queryRunner.query(`DROP FUNCTION uuid_v7()`);
  }
}
