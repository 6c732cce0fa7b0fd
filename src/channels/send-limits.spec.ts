import { tightestRate } from '../campaigns/campaign-audience.service.js';
import {
  budgetCapacity,
  campaignLimit,
  channelLimit,
  largestRequest,
  waitForTokensMs,
} from './send-limits.js';

describe('send limits', () => {
  it('lets a budget hold a twentieth of a second at the rate, and never less than one token', () => {
    expect(budgetCapacity(2000)).toBe(100);
    expect(budgetCapacity(25)).toBe(2);
    expect(budgetCapacity(1)).toBe(1);
    expect(budgetCapacity(0.5)).toBe(1);
  });

  it('caps one request at the smallest capacity of the limits that apply, or not at all', () => {
    expect(largestRequest([])).toBeUndefined();
    expect(largestRequest([...channelLimit('ch', 2000), ...campaignLimit('cp', 100)])).toBe(5);
  });

  it('waits for the missing tokens at the rate, rounded up to a millisecond', () => {
    expect(waitForTokensMs(2, 2, 25)).toBe(0);
    expect(waitForTokensMs(2, 0.5, 25)).toBe(60);
    expect(waitForTokensMs(100, 0, 2000)).toBe(50);
    expect(waitForTokensMs(1, 0.999, 3)).toBe(1);
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
