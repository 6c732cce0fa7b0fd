import { ValidationError } from '../common/errors/domain-error.js';
import type { ConversationStatus } from './conversation.entity.js';
import { AssignmentForbiddenError } from './conversation-errors.js';

/** What a PATCH asks for; `undefined` leaves a field as it is. */
export interface ConversationChanges {
  status?: ConversationStatus;
  /** `null` unassigns. */
  assigneeId?: string | null;
  /** Only with the status `snoozed`; `null` is the same as leaving it out. */
  snoozedUntil?: Date | null;
}

interface SnoozeState {
  status: ConversationStatus;
  snoozedUntil: Date | null;
}

/**
 * The status and wake-up time after `changes`: `snoozed` needs a future `snoozedUntil` (given now,
 * or kept from the current snooze when only other fields change), and any other status has none,
 * so leaving `snoozed` clears it.
 */
export function nextSnoozeState(current: SnoozeState, changes: ConversationChanges, now: Date): SnoozeState {
  const status = changes.status ?? current.status;
  const given = changes.snoozedUntil ?? undefined;
  if (status !== 'snoozed') {
    if (given) throw ValidationError.forField('snoozedUntil', 'can only be set with the status "snoozed"');
    return { status, snoozedUntil: null };
  }
  if (given) {
    if (given.getTime() <= now.getTime())
      throw ValidationError.forField('snoozedUntil', 'must be in the future');
    return { status, snoozedUntil: given };
  }
  if (changes.status === undefined && current.snoozedUntil)
    return { status, snoozedUntil: current.snoozedUntil };
  throw ValidationError.forField('snoozedUntil', 'is required when the status is "snoozed"');
}

/**
 * Who may change a conversation's assignee: an admin anyone's to anyone; an agent only takes an
 * unassigned conversation or one of their own, and only for themselves or to unassign it.
 * Reassigning a colleague's conversation is an admin's decision.
 */
export function assertMayAssign(
  actor: { id: string; role: 'admin' | 'agent' },
  currentAssigneeId: string | null,
  nextAssigneeId: string | null,
): void {
  if (actor.role === 'admin') return;
  if (nextAssigneeId !== null && nextAssigneeId !== actor.id)
    throw new AssignmentForbiddenError(
      'Agents can assign conversations to themselves only; ask an admin to assign a colleague',
    );
  if (currentAssigneeId !== null && currentAssigneeId !== actor.id)
    throw new AssignmentForbiddenError(
      'This conversation is assigned to someone else; only an admin can reassign it',
    );
}
