import { ForbiddenError, ValidationError } from '../common/errors/domain-error.js';
import { assertMayAssign, nextSnoozeState } from './conversation-changes.js';

const now = new Date('2026-12-01T10:00:00.000Z');
const later = new Date('2026-12-01T11:00:00.000Z');
const earlier = new Date('2026-12-01T09:00:00.000Z');
const open = { status: 'open' as const, snoozedUntil: null };
const snoozed = { status: 'snoozed' as const, snoozedUntil: later };

const fieldOf = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error.details?.[0]?.field;
    throw error;
  }
  return undefined;
};

describe('nextSnoozeState', () => {
  it('snoozes until a future time', () => {
    expect(nextSnoozeState(open, { status: 'snoozed', snoozedUntil: later }, now)).toEqual(snoozed);
  });

  it('refuses a snooze without a time, with a past one or one that is now', () => {
    expect(fieldOf(() => nextSnoozeState(open, { status: 'snoozed' }, now))).toBe('snoozedUntil');
    expect(fieldOf(() => nextSnoozeState(open, { status: 'snoozed', snoozedUntil: null }, now))).toBe(
      'snoozedUntil',
    );
    expect(fieldOf(() => nextSnoozeState(open, { status: 'snoozed', snoozedUntil: earlier }, now))).toBe(
      'snoozedUntil',
    );
    expect(fieldOf(() => nextSnoozeState(open, { status: 'snoozed', snoozedUntil: now }, now))).toBe(
      'snoozedUntil',
    );
  });

  it('clears the time when the conversation leaves snoozed, and refuses one for another status', () => {
    expect(nextSnoozeState(snoozed, { status: 'closed' }, now)).toEqual({
      status: 'closed',
      snoozedUntil: null,
    });
    expect(fieldOf(() => nextSnoozeState(open, { snoozedUntil: later }, now))).toBe('snoozedUntil');
  });

  it('keeps a running snooze when only the assignee changes, and moves it when a new time is given', () => {
    const overdue = { status: 'snoozed' as const, snoozedUntil: earlier };
    expect(nextSnoozeState(overdue, { assigneeId: null }, now)).toEqual(overdue);
    const evenLater = new Date('2026-12-02T09:00:00.000Z');
    expect(nextSnoozeState(snoozed, { snoozedUntil: evenLater }, now)).toEqual({
      status: 'snoozed',
      snoozedUntil: evenLater,
    });
  });
});

describe('assertMayAssign', () => {
  const admin = { id: 'admin', role: 'admin' as const };
  const agent = { id: 'ada', role: 'agent' as const };

  it('lets an admin assign anyone’s conversation to anyone', () => {
    expect(() => assertMayAssign(admin, 'grace', 'ada')).not.toThrow();
  });

  it('lets an agent take an unassigned conversation and give up their own', () => {
    expect(() => assertMayAssign(agent, null, 'ada')).not.toThrow();
    expect(() => assertMayAssign(agent, 'ada', null)).not.toThrow();
  });

  it('refuses an agent who assigns a colleague or takes or frees a colleague’s conversation', () => {
    expect(() => assertMayAssign(agent, null, 'grace')).toThrow(ForbiddenError);
    expect(() => assertMayAssign(agent, 'grace', 'ada')).toThrow(ForbiddenError);
    expect(() => assertMayAssign(agent, 'grace', null)).toThrow(ForbiddenError);
  });
});
