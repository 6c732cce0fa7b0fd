import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ValidationError } from '../common/errors/domain-error.js';
import { queryRows } from '../database/query-rows.js';
import { conversationJson, outboxInsert } from '../event-webhooks/outbox.js';
import { UsersService } from '../users/users.service.js';
import { assertMayAssign, type ConversationChanges, nextSnoozeState } from './conversation-changes.js';
import { ConversationsService } from './conversations.service.js';
import type { ConversationDto } from './dto/conversation.dto.js';
import { AssignmentForbiddenError } from './conversation-errors.js';

/** The team's side of a conversation: who owns it, and whether it is open, snoozed, closed or archived. */
@Injectable()
export class ConversationWorkflowService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsService,
    private readonly users: UsersService,
  ) {}

  async update(id: string, changes: ConversationChanges, actor: AuthenticatedUser): Promise<ConversationDto> {
    if (Object.values(changes).every((value) => value === undefined)) {
      throw new ValidationError('Give at least one of status, assigneeId and snoozedUntil', [
        { field: 'status', messages: ['at least one of status, assigneeId and snoozedUntil is required'] },
      ]);
    }
    const current = await this.conversations.getRow(id);
    const assigning = changes.assigneeId !== undefined;
    if (changes.assigneeId && !(await this.users.isActive(changes.assigneeId)))
      throw ValidationError.forField('assigneeId', 'must be the id of an active user');
    if (assigning) assertMayAssign(actor, current.assigneeId, changes.assigneeId ?? null);
    const next = nextSnoozeState(current, changes, new Date());

    // Only what was asked for is written: an assignment alone leaves the status as it is now, even if
    // the contact or the wake-up job reopened the conversation since it was read. An agent's
    // (un)assignment holds only while the conversation is still theirs or nobody's: checked again in
    // the UPDATE, so a colleague's assignment made meanwhile is never overwritten.
    const changingStatus = changes.status !== undefined || changes.snoozedUntil !== undefined;
    const guardAssignee = assigning && actor.role !== 'admin';
    const updated = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH before AS (SELECT id, assignee_id FROM conversations WHERE id = $1 FOR UPDATE),
       changed AS (
         UPDATE conversations c
            SET status = CASE WHEN $8 THEN $2 ELSE c.status END,
                snoozed_until = CASE WHEN $8 THEN $3::timestamptz ELSE c.snoozed_until END,
                assignee_id = CASE WHEN $4 THEN $5::uuid ELSE c.assignee_id END,
                updated_at = now()
           FROM before b
          WHERE c.id = b.id AND (NOT $6 OR c.assignee_id IS NULL OR c.assignee_id = $7)
         RETURNING c.*, b.assignee_id AS previous_assignee_id
       ), event AS (${outboxInsert(
         'conversation.assigned',
         'changed c',
         conversationJson('c'),
         'c.assignee_id IS DISTINCT FROM c.previous_assignee_id',
       )})
       SELECT id FROM changed`,
      [
        id,
        next.status,
        next.snoozedUntil,
        assigning,
        changes.assigneeId ?? null,
        guardAssignee,
        actor.id,
        changingStatus,
      ],
    );
    if (updated.length === 0)
      throw new AssignmentForbiddenError(
        'This conversation is assigned to someone else; only an admin can reassign it',
      );
    return this.conversations.publishUpdate(id);
  }
}
