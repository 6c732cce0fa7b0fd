import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /campaigns/:id/messages` lists a campaign's messages newest first, optionally of one status.
 * `messages_campaign_status_idx` held only `(campaign_id, status)`, so a page read every message of
 * the campaign (or of the status) and sorted them: 112 ms for a page of a 300,000-recipient campaign,
 * growing with it. With the order in the index a status page is a backward walk of 51 entries, and a
 * page of all statuses merges one such walk per status (CampaignMessagesRepository.page): about a
 * millisecond at any size. The counts by status, which the old index also served, are counters since
 * migration 1732530000000; cancelling still finds a campaign's unsent rows by the index's prefix.
 *
 * Stored ascending and read backwards: new rows carry the newest time and highest id (see migration
 * 1732520000000). Rebuilding the index blocks writes to `messages` meanwhile: migrate a large
 * installation in a quiet moment.
 */
export class CampaignMessagesNewestFirst1732540000000 implements MigrationInterface {
  name = 'CampaignMessagesNewestFirst1732540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_campaign_status_idx`);
    await queryRunner.query(
      `CREATE INDEX messages_campaign_status_idx ON messages (campaign_id, status, created_at, id) WHERE campaign_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_campaign_status_idx`);
    await queryRunner.query(
      `CREATE INDEX messages_campaign_status_idx ON messages (campaign_id, status) WHERE campaign_id IS NOT NULL`,
    );
  }
}
