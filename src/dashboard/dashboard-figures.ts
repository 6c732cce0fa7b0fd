/** Messages of one hour or day, channel, direction and status, as counted in the database. */
export interface MessageCount {
  day: string;
  channelId: string;
  direction: string;
  status: string;
  count: number;
}

export interface MessageTotals {
  /** Outbound messages the provider accepted: sent, delivered or read. */
  sent: number;
  /** Outbound messages delivered or read. */
  delivered: number;
  /** Outbound messages failed or rejected. */
  failed: number;
  /** Inbound messages received. */
  inbound: number;
}

const SENT = new Set(['sent', 'delivered', 'read']);
const DELIVERED = new Set(['delivered', 'read']);
const FAILED = new Set(['failed', 'rejected']);

export function emptyTotals(): MessageTotals {
  return { sent: 0, delivered: 0, failed: 0, inbound: 0 };
}

/** Adds one count to the totals it belongs to; queued, held and skipped messages count nowhere. */
export function addCount(
  totals: MessageTotals,
  count: Pick<MessageCount, 'direction' | 'status' | 'count'>,
): void {
  if (count.direction === 'inbound') {
    totals.inbound += count.count;
    return;
  }
  if (SENT.has(count.status)) totals.sent += count.count;
  if (DELIVERED.has(count.status)) totals.delivered += count.count;
  if (FAILED.has(count.status)) totals.failed += count.count;
}

export function totalsOf(counts: readonly MessageCount[]): MessageTotals {
  const totals = emptyTotals();
  for (const count of counts) addCount(totals, count);
  return totals;
}

/** Delivered ÷ attempted (sent + failed), or null when nothing was attempted. */
export function deliveryRate(totals: MessageTotals): number | null {
  const attempted = totals.sent + totals.failed;
  return attempted === 0 ? null : totals.delivered / attempted;
}

/** The `days` calendar days (UTC, `YYYY-MM-DD`) ending with `today`, oldest first. */
export function lastDays(today: string, days: number): string[] {
  const end = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: days }, (_, index) =>
    new Date(end - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10),
  );
}
