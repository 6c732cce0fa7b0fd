import { sendPlan } from './send-units.js';

describe('sendPlan', () => {
  it('makes one Sinch SMS request of 1000 recipients a unit, four claimed at once when unthrottled', () => {
    expect(sendPlan(1000, null)).toEqual({ batched: true, unitSize: 1000, unitsPerClaim: 4, concurrency: 4 });
  });

  it('caps a batch unit at what the send budget grants at once under a rate: a fiftieth of it', () => {
    expect(sendPlan(1000, 50)).toMatchObject({ batched: true, unitSize: 1 });
    expect(sendPlan(1000, 2000)).toMatchObject({ unitSize: 40 });
    expect(sendPlan(1000, 100_000)).toMatchObject({ unitSize: 1000 });
    expect(sendPlan(1000, 1)).toMatchObject({ unitSize: 1 });
  });

  it('claims about half a second of sending at once when a rate cuts the units, never fewer than four', () => {
    expect(sendPlan(1000, 2000)).toMatchObject({ unitsPerClaim: 25, concurrency: 4 });
    expect(sendPlan(1000, 50)).toMatchObject({ unitsPerClaim: 25 });
    expect(sendPlan(1000, 1)).toMatchObject({ unitsPerClaim: 4 });
    expect(sendPlan(1000, 100_000)).toMatchObject({ unitSize: 1000, unitsPerClaim: 4 });
  });

  it('cuts single-recipient providers into chunks of ten seconds at the rate, between 16 and 256', () => {
    expect(sendPlan(1, null)).toMatchObject({
      batched: false,
      unitSize: 256,
      unitsPerClaim: 1,
      concurrency: 16,
    });
    expect(sendPlan(1, 5)).toMatchObject({ unitSize: 50 });
    expect(sendPlan(1, 1)).toMatchObject({ unitSize: 16 });
    expect(sendPlan(1, 100)).toMatchObject({ unitSize: 256 });
  });
});
