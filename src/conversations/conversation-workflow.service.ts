import { Injectable } from '@nestjs/common';

import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ValidationError } from '../common/errors/domain-error.js';
import { UsersService } from '../users/users.service.js';
import { assertMayAssign, type ConversationChanges, nextSnoozeState } from './conversation-changes.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import type { ConversationDto } from './dto/conversation.dto.js';
import { AssignmentForbiddenError } from './conversation-errors.js';
import { InboxEvents } from './inbox-events.js';

/** The team's side of a conversation: who owns it, and whether it is open, snoozed, closed or archived. */
@Injectable()
export class ConversationWorkflowService {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly rows: ConversationsRepository,
    private readonly users: UsersService,
    private readonly events: InboxEvents,
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
    return this.events.inTransaction(async (tx) => {
      const applied = await this.rows.applyWorkflowChange(tx, {
        id,
        changingStatus: changes.status !== undefined || changes.snoozedUntil !== undefined,
        status: next.status,
        snoozedUntil: next.snoozedUntil,
        assigning,
        assigneeId: changes.assigneeId ?? null,
        onlyIfAssignableBy: assigning && actor.role !== 'admin' ? actor.id : null,
      });
      if (!applied)
        throw new AssignmentForbiddenError(
          'This conversation is assigned to someone else; only an admin can reassign it',
        );
      return this.conversations.publishUpdate(tx, id);
    });
  }
}
