import type { WebhookEvent } from '../channels/providers/channel-provider.interface.js';
import { statusRank } from '../channels/providers/delivery-status.js';

export type DeliveryStatusEvent = Extract<WebhookEvent, { type: 'delivery-status' }>;

/** A stored delivery report and the channel whose webhook received it. */
export interface DeliveryReport {
  channelId: string;
  event: DeliveryStatusEvent;
}

export interface StrongestReports {
  /** At most one report per message: the one with the highest status rank. */
  chosen: DeliveryReport[];
  /** For each input report, the index in `chosen` of the report standing for its message; undefined when it names none. */
  standIn: Array<number | undefined>;
}

/**
 * How a report names its message within its channel: by the provider's message id, or by batch and
 * recipient (Sinch SMS). A provider always names a given message the same way, so equal keys mean
 * the same message and different keys different messages.
 */
export function messageKeyOf(report: DeliveryReport): string | undefined {
  const { event } = report;
  if (event.providerMessageId) return `${report.channelId}|id|${event.providerMessageId}`;
  if (event.providerBatchId && event.recipient)
    return `${report.channelId}|batch|${event.providerBatchId}|${event.recipient}`;
  return undefined;
}

/**
 * Reduces a batch of reports to one per message, the highest-ranked, so that one set-based update
 * ends where applying the reports one by one (statuses only move forward) would have. On equal rank
 * the earliest report wins, as it would have been applied first and the later one refused.
 */
export function strongestReportPerMessage(reports: readonly DeliveryReport[]): StrongestReports {
  const chosen: DeliveryReport[] = [];
  const slotOfKey = new Map<string, number>();
  const standIn = reports.map((report) => {
    const key = messageKeyOf(report);
    if (key === undefined) return undefined;
    const slot = slotOfKey.get(key);
    if (slot === undefined) {
      slotOfKey.set(key, chosen.length);
      chosen.push(report);
      return chosen.length - 1;
    }
    if (statusRank(report.event.status) > statusRank(chosen[slot].event.status)) chosen[slot] = report;
    return slot;
  });
  return { chosen, standIn };
}
