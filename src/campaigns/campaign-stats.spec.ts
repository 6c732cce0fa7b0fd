import { campaignProgress, campaignStats } from './campaign-stats.js';

describe('campaign stats', () => {
  const campaign = { total: 10, skippedOptedOut: 2, skippedInvalid: 1 };

  it('counts rejected messages as failed, held and capped recipients, and adds up to the total', () => {
    const stats = campaignStats({ ...campaign, total: 13 }, [
      { status: 'queued', count: 2 },
      { status: 'held', count: 2 },
      { status: 'skipped', count: 1 },
      { status: 'sent', count: 1 },
      { status: 'delivered', count: 1 },
      { status: 'read', count: 1 },
      { status: 'failed', count: 1 },
      { status: 'rejected', count: 1 },
    ]);
    expect(stats).toEqual({
      total: 13,
      queued: 2,
      held: 2,
      sent: 1,
      delivered: 1,
      read: 1,
      failed: 2,
      skippedOptedOut: 2,
      skippedInvalid: 1,
      skippedFrequencyCap: 1,
    });
    const { total, ...parts } = stats;
    expect(Object.values(parts).reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('measures progress as the share settled, counting audience not yet materialised as pending', () => {
    // 10 in the audience: 3 skipped, 2 sent, 1 failed, 3 queued and 1 still to materialise.
    const stats = campaignStats(campaign, [
      { status: 'queued', count: 3 },
      { status: 'sent', count: 2 },
      { status: 'failed', count: 1 },
    ]);
    expect(campaignProgress('sending', stats)).toBe(0.6);
  });

  it('is 0 before the audience is resolved and 1 once completed', () => {
    expect(
      campaignProgress('scheduled', campaignStats({ total: 0, skippedOptedOut: 0, skippedInvalid: 0 }, [])),
    ).toBe(0);
    expect(
      campaignProgress('completed', campaignStats({ total: 0, skippedOptedOut: 0, skippedInvalid: 0 }, [])),
    ).toBe(1);
  });
});
