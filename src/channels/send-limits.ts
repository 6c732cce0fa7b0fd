/** A rate that sends must stay within: every holder of the same `key` draws from one budget. */
export interface SendLimit {
  key: string;
  perSecond: number;
}

/**
 * The most recipients one request may carry under a rate: a twentieth of a second's worth (at least
 * one), so that one request never takes more than 5 % of a second's budget at once.
 */
export function requestCap(perSecond: number): number {
  return Math.max(1, Math.ceil(perSecond / 20));
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
