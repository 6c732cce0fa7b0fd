import type { RecipientOutcome } from './campaign-database.js';

export interface Reconciliation {
  sent: number;
  failed: number;
  /** One line per kind of disagreement, with a count and a few examples; empty when all agree. */
  problems: string[];
}

const EXAMPLES = 3;

/**
 * Holds the product's record of a campaign against the provider's: every audience phone has one
 * row, which ended `sent` (and the provider received it exactly once) or `failed` with a reason
 * (and the provider never received it).
 */
export function reconcileOutcomes(
  audience: readonly string[],
  outcomes: readonly RecipientOutcome[],
  received: ReadonlyMap<string, number>,
): Reconciliation {
  const problems = new Map<string, string[]>();
  const note = (problem: string, phone: string) => {
    const phones = problems.get(problem) ?? [];
    phones.push(phone);
    problems.set(problem, phones);
  };

  const rows = new Map<string, RecipientOutcome[]>();
  for (const outcome of outcomes)
    rows.set(outcome.recipient, [...(rows.get(outcome.recipient) ?? []), outcome]);
  const inAudience = new Set(audience);
  for (const phone of rows.keys())
    if (!inAudience.has(phone)) note('row for a phone outside the audience', phone);

  let sent = 0;
  let failed = 0;
  for (const phone of audience) {
    const mine = rows.get(phone) ?? [];
    if (mine.length !== 1) {
      note(`${mine.length} rows instead of one`, phone);
      continue;
    }
    const [{ status, statusReason }] = mine;
    const times = received.get(phone) ?? 0;
    if (status === 'sent') {
      sent++;
      if (times !== 1) note(`'sent' but the provider received it ${times} times`, phone);
    } else if (status === 'failed') {
      failed++;
      if (!statusReason) note("'failed' without a reason", phone);
      if (times !== 0) note(`'failed' (${statusReason}) but the provider received it ${times} times`, phone);
    } else {
      note(`ended '${status}' (${statusReason}), neither sent nor failed`, phone);
    }
  }
  return {
    sent,
    failed,
    problems: [...problems].map(
      ([problem, phones]) => `${phones.length} × ${problem}, e.g. ${phones.slice(0, EXAMPLES).join(', ')}`,
    ),
  };
}
