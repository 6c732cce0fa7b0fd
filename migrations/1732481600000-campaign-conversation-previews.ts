import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations that only ever received campaign messages had no preview (the inbox said
 * "No messages"); campaigns now write it. This fills it in for the conversations already there,
 * from each one's newest message, in the same form as the application writes it.
 */
export class CampaignConversationPreviews1732481600000 implements MigrationInterface {
  name = 'CampaignConversationPreviews1732481600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE conversations cv
         SET last_message_preview = CASE m.content->>'kind'
               WHEN 'text' THEN left(m.content->>'text', 140)
               WHEN 'template' THEN '[template ' || (m.content->'template'->>'id') || ']'
               ELSE left(coalesce(m.content->'media'->>'caption', '[media]'), 140)
             END
        FROM (SELECT DISTINCT ON (conversation_id) conversation_id, content
                FROM messages
               WHERE conversation_id IN (SELECT id FROM conversations WHERE last_message_preview IS NULL)
               ORDER BY conversation_id, created_at DESC, id DESC) m
       WHERE cv.id = m.conversation_id`);
  }

  async down(): Promise<void> {
    // A backfill: the previews it wrote are as valid as any other, so there is nothing to undo.
  }
}
