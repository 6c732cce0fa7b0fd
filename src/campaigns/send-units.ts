import { randomBytes } from 'node:crypto';

/**
 * How a campaign's recipients are cut into send units: the rows of one `campaign_batches` row,
 * claimed, leased and retried together. For a provider that takes many recipients a request, a unit
 * is one request (capped by what a send budget grants at once under the tightest limit, so no one
 * request overruns it); for a one-recipient-a-request provider, a unit is a chunk of single requests
 * sent concurrently.
 */
export interface SendPlan {
  batched: boolean;
  unitSize: number;
  /** Units one sender claims at a time; batch requests of one claim go out concurrently. */
  unitsPerClaim: number;
  /** Requests in flight at once within a claim. */
  concurrency: number;
}

import { requestCap } from '../channels/send-limits.js';

const BATCH_CONCURRENCY = 4;
/**
 * When a rate cuts the units small (see requestCap), a claim holds about this much sending time:
 * four of them would leave the budget idle while the sender records one claim and takes the next.
 */
const RATED_CLAIM_SECONDS = 0.5;
const PER_RECIPIENT_CONCURRENCY = 16;
const PER_RECIPIENT_UNIT = 256;

/** `ratePerSecond`: the tightest limit on the campaign (its own rate or its channel's), if any. */
export function sendPlan(maxRecipientsPerRequest: number, ratePerSecond: number | null): SendPlan {
  if (maxRecipientsPerRequest > 1) {
    const unitSize = Math.min(
      maxRecipientsPerRequest,
      ratePerSecond ? requestCap(ratePerSecond) : Number.POSITIVE_INFINITY,
    );
    const cutByRate = ratePerSecond !== null && unitSize < maxRecipientsPerRequest;
    const unitsPerClaim = cutByRate
      ? Math.max(BATCH_CONCURRENCY, Math.ceil((ratePerSecond * RATED_CLAIM_SECONDS) / unitSize))
      : BATCH_CONCURRENCY;
    return { batched: true, unitSize, unitsPerClaim, concurrency: BATCH_CONCURRENCY };
  }
  // Ten seconds' worth at the campaign's rate, so a pause is never stuck behind a long unit.
  const unitSize = Math.min(
    PER_RECIPIENT_UNIT,
    Math.max(PER_RECIPIENT_CONCURRENCY, (ratePerSecond ?? PER_RECIPIENT_UNIT) * 10),
  );
  return { batched: false, unitSize, unitsPerClaim: 1, concurrency: PER_RECIPIENT_CONCURRENCY };
}

/** The lower of two optional rates (recipients per second), null when neither is set. */
export function tightestRate(...rates: Array<number | null | undefined>): number | null {
  const set = rates.filter((rate): rate is number => typeof rate === 'number' && rate > 0);
  return set.length > 0 ? Math.min(...set) : null;
}

/** Unique across campaigns and chunks: a unit's reference is this, `_` and its number. */
export function unitPrefix(campaignId: string): string {
  return `cmp_${campaignId.replaceAll('-', '').slice(0, 12)}_${randomBytes(6).toString('hex')}`;
}
