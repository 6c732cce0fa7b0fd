import {
  CAMPAIGN_EVENTS,
  CAMPAIGN_STATUSES,
  type CampaignEvent,
  type CampaignStatus,
  nextStatus,
} from './campaign-state.js';

type Row = [CampaignStatus, CampaignEvent, CampaignStatus | undefined];

/** Every (status, event) pair with its expected outcome, for a campaign that has not started sending. */
const NOT_STARTED: Row[] = [
  ['draft', 'schedule', 'scheduled'],
  ['draft', 'pause', undefined],
  ['draft', 'resume', undefined],
  ['draft', 'cancel', 'cancelled'],
  ['draft', 'start', undefined],
  ['draft', 'complete', undefined],
  ['draft', 'fail', undefined],
  ['scheduled', 'schedule', 'scheduled'],
  ['scheduled', 'pause', 'paused'],
  ['scheduled', 'resume', undefined],
  ['scheduled', 'cancel', 'cancelled'],
  ['scheduled', 'start', 'sending'],
  ['scheduled', 'complete', undefined],
  ['scheduled', 'fail', undefined],
  ['sending', 'schedule', undefined],
  ['sending', 'pause', 'paused'],
  ['sending', 'resume', undefined],
  ['sending', 'cancel', 'cancelled'],
  ['sending', 'start', undefined],
  ['sending', 'complete', 'completed'],
  ['sending', 'fail', 'failed'],
  ['paused', 'schedule', 'scheduled'],
  ['paused', 'pause', undefined],
  ['paused', 'resume', 'scheduled'],
  ['paused', 'cancel', 'cancelled'],
  ['paused', 'start', undefined],
  ['paused', 'complete', undefined],
  ['paused', 'fail', undefined],
  ...(['completed', 'cancelled', 'failed'] as const).flatMap((status) =>
    CAMPAIGN_EVENTS.map((event): Row => [status, event, undefined]),
  ),
];

describe('campaign state machine', () => {
  it('covers every status and event', () => {
    expect(NOT_STARTED).toHaveLength(CAMPAIGN_STATUSES.length * CAMPAIGN_EVENTS.length);
  });

  it.each(NOT_STARTED)('%s --%s--> %s', (from, event, to) => {
    expect(nextStatus(from, event, false)).toBe(to);
  });

  it('resumes a paused campaign that had started sending back to sending', () => {
    expect(nextStatus('paused', 'resume', true)).toBe('sending');
  });

  it('never leaves a final state, started or not', () => {
    for (const status of ['completed', 'cancelled', 'failed'] as const) {
      for (const event of CAMPAIGN_EVENTS) expect(nextStatus(status, event, true)).toBeUndefined();
    }
  });
});
