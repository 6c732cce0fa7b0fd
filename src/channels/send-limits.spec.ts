import { tightestRate } from '../campaigns/send-units.js';
import { campaignLimit, channelLimit, largestRequest, requestCap } from './send-limits.js';

describe('send limits', () => {
  it('caps a request at a fiftieth of a second at the rate, and never below one recipient', () => {
    expect(requestCap(2000)).toBe(40);
    expect(requestCap(25)).toBe(1);
    expect(requestCap(1)).toBe(1);
    expect(requestCap(0.5)).toBe(1);
  });

  it('caps one request at the smallest capacity of the limits that apply, or not at all', () => {
    expect(largestRequest([])).toBeUndefined();
    expect(largestRequest([...channelLimit('ch', 2000), ...campaignLimit('cp', 100)])).toBe(2);
  });

  it('applies only the limits that are set', () => {
    expect(channelLimit('ch', undefined)).toEqual([]);
    expect(campaignLimit('cp', null)).toEqual([]);
    expect(channelLimit('ch', 5)).toEqual([{ key: 'channel:ch', perSecond: 5 }]);
  });

  it('takes the tighter of a campaign rate and a channel limit', () => {
    expect(tightestRate(null, undefined)).toBeNull();
    expect(tightestRate(50, null)).toBe(50);
    expect(tightestRate(50, 25)).toBe(25);
  });
});
