/** A rate that sends must stay within: every holder of the same `key` draws from one budget. */
export interface SendLimit {
  key: string;
  perSecond: number;
}

/**
 * How much a budget may hold: a twentieth of a second's rate (at least one). Small on purpose: any
 * one-second window then carries at most 5 % more than the rate, however the senders interleave,
 * and one request may carry at most this many recipients (see `largestRequest`).
 */
export function budgetCapacity(perSecond: number): number {
  return Math.max(1, Math.ceil(perSecond / 20));
}

/** The most recipients one request may carry under these limits (undefined: no limit applies). */
export function largestRequest(limits: readonly SendLimit[]): number | undefined {
  if (limits.length === 0) return undefined;
  return Math.min(...limits.map((limit) => budgetCapacity(limit.perSecond)));
}

/** How long until `wanted` tokens are there, given what is `available` now, at `perSecond`. */
export function waitForTokensMs(wanted: number, available: number, perSecond: number): number {
  return available >= wanted ? 0 : Math.ceil(((wanted - available) / perSecond) * 1000);
}

export const channelLimit = (channelId: string, perSecond: number | undefined): SendLimit[] =>
  perSecond ? [{ key: `channel:${channelId}`, perSecond }] : [];

export const campaignLimit = (campaignId: string, perSecond: number | null): SendLimit[] =>
  perSecond ? [{ key: `campaign:${campaignId}`, perSecond }] : [];
