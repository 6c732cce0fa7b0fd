/** A rate that sends must stay within: every holder of the same `key` draws from one budget. */
export interface SendLimit {
  key: string;
  perSecond: number;
}

/**
 * The most recipients one request may carry under a rate: a fiftieth of a second's worth (at least
 * one). Requests are spaced at the rate, so a one-second window holds the rate plus at most one
 * request that a late timer pushed into it: 2 %, which leaves room under a provider's limit for
 * timers running late on a busy process (at a twentieth, bench:scale-out saw 1.06 × the limit).
 */
export function requestCap(perSecond: number): number {
  return Math.max(1, Math.ceil(perSecond / 50));
}

/** The most recipients one request may carry under these limits (undefined: no limit applies). */
export function largestRequest(limits: readonly SendLimit[]): number | undefined {
  if (limits.length === 0) return undefined;
  return Math.min(...limits.map((limit) => requestCap(limit.perSecond)));
}

export const channelLimit = (channelId: string, perSecond: number | undefined): SendLimit[] =>
  perSecond ? [{ key: `channel:${channelId}`, perSecond }] : [];

export const campaignLimit = (campaignId: string, perSecond: number | null): SendLimit[] =>
  perSecond ? [{ key: `campaign:${campaignId}`, perSecond }] : [];
