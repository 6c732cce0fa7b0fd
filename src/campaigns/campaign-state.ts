export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'cancelled',
  'failed',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** What users ask for (schedule … cancel) and what the dispatcher does (start, complete, fail). */
export const CAMPAIGN_EVENTS = [
  'schedule',
  'pause',
  'resume',
  'cancel',
  'start',
  'complete',
  'fail',
] as const;
export type CampaignEvent = (typeof CAMPAIGN_EVENTS)[number];

const FINAL_STATUSES: readonly CampaignStatus[] = ['completed', 'cancelled', 'failed'];

function isFinal(status: CampaignStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * The campaign state machine: the status after `event`, or undefined when the event is not
 * allowed from `from` (a 409 for a user's request). `started` tells a paused campaign that has
 * already begun sending (resume continues sending) from one paused before it was due.
 */
export function nextStatus(
  from: CampaignStatus,
  event: CampaignEvent,
  started = false,
): CampaignStatus | undefined {
  switch (event) {
    case 'schedule':
      return from === 'draft' || from === 'scheduled' || from === 'paused' ? 'scheduled' : undefined;
    case 'pause':
      return from === 'scheduled' || from === 'sending' ? 'paused' : undefined;
    case 'resume':
      return from === 'paused' ? (started ? 'sending' : 'scheduled') : undefined;
    case 'cancel':
      return isFinal(from) ? undefined : 'cancelled';
    case 'start':
      return from === 'scheduled' ? 'sending' : undefined;
    case 'complete':
    case 'fail':
      return from === 'sending' ? (event === 'complete' ? 'completed' : 'failed') : undefined;
  }
}
