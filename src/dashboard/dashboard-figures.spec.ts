import { addCount, deliveryRate, emptyTotals, lastDays, totalsOf } from './dashboard-figures.js';

describe('dashboard figures', () => {
  const count = (direction: string, status: string, n: number) => ({
    day: '2026-12-07',
    channelId: 'c',
    direction,
    status,
    count: n,
  });

  it('counts delivered and read as sent and delivered, failed and rejected as failed, and nothing queued', () => {
    const totals = totalsOf([
      count('outbound', 'sent', 5),
      count('outbound', 'delivered', 7),
      count('outbound', 'read', 2),
      count('outbound', 'failed', 3),
      count('outbound', 'rejected', 1),
      count('outbound', 'queued', 40),
      count('outbound', 'held', 6),
      count('outbound', 'skipped', 9),
      count('inbound', 'received', 11),
    ]);
    expect(totals).toEqual({ sent: 14, delivered: 9, failed: 4, inbound: 11 });
  });

  it('rates delivery over what was attempted and has no rate for nothing', () => {
    expect(deliveryRate({ sent: 14, delivered: 9, failed: 4, inbound: 0 })).toBeCloseTo(0.5);
    expect(deliveryRate(emptyTotals())).toBeNull();
    const inboundOnly = emptyTotals();
    addCount(inboundOnly, count('inbound', 'received', 3));
    expect(deliveryRate(inboundOnly)).toBeNull();
  });

  it('lists the last days oldest first across a month end', () => {
    expect(lastDays('2026-12-02', 4)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
  });
});
