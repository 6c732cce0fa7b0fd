import type { MessageStatus } from './channel-provider.interface.js';

/**
 * Each provider's status words mapped onto the contract's statuses. The judgement calls:
 * - "handed to the next hop" is `sent`: Sinch SMS `Dispatched` (accepted by the SMSC), Conversation
 *   `QUEUED_ON_CHANNEL` (accepted by WhatsApp/RCS/…), Plivo `sent` (passed to the carrier).
 * - Sinch SMS `Unknown` is `sent`: the SMSC took the message but no readable receipt came back, so
 *   nothing proves either delivery or failure.
 * - Conversation `SWITCHING_CHANNEL` is `queued`: the message is on its way again over the next
 *   channel in the fallback order. Its low rank means it never hides an earlier outcome.
 * - `rejected` is kept for refusals by the network before any delivery attempt (Sinch SMS `Rejected`
 *   by the SMSC, Plivo's legacy `rejected`); every other dead end (aborted, cancelled, deleted,
 *   expired, undelivered) is `failed`.
 * Unknown words map to undefined so the caller can ignore the report instead of guessing.
 */
const SINCH_SMS_STATUSES: Readonly<Record<string, MessageStatus>> = {
  Queued: 'queued',
  Dispatched: 'sent',
  Unknown: 'sent',
  Delivered: 'delivered',
  Aborted: 'failed',
  Cancelled: 'failed',
  Deleted: 'failed',
  Failed: 'failed',
  Expired: 'failed',
  Rejected: 'rejected',
};

const SINCH_CONVERSATION_STATUSES: Readonly<Record<string, MessageStatus>> = {
  SWITCHING_CHANNEL: 'queued',
  QUEUED_ON_CHANNEL: 'sent',
  DELIVERED: 'delivered',
  READ: 'read',
  FAILED: 'failed',
};

const PLIVO_STATUSES: Readonly<Record<string, MessageStatus>> = {
  queued: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  rejected: 'rejected',
};

export function mapSinchSmsStatus(providerStatus: string): MessageStatus | undefined {
  return lookup(SINCH_SMS_STATUSES, providerStatus);
}

export function mapSinchConversationStatus(providerStatus: string): MessageStatus | undefined {
  return lookup(SINCH_CONVERSATION_STATUSES, providerStatus);
}

export function mapPlivoStatus(providerStatus: string): MessageStatus | undefined {
  return lookup(PLIVO_STATUSES, providerStatus);
}

/**
 * The forward order of an outbound message's status: queued < sent < failed = rejected < delivered < read.
 * The rule: a report is applied only when its rank is strictly higher than the stored status's rank.
 * So a late `sent` never undoes `delivered`, a late failure never overwrites `delivered` or `read`,
 * the first final failure wins over a second one, and proof of delivery (`delivered`/`read`, e.g. on
 * a fallback channel after a failure) does replace a failure. `received` belongs to inbound messages,
 * which take no delivery reports.
 */
const STATUS_RANK: Readonly<Record<MessageStatus, number>> = {
  received: 0,
  queued: 0,
  held: 0,
  skipped: 0,
  sent: 1,
  failed: 2,
  rejected: 2,
  delivered: 3,
  read: 4,
};

export function statusRank(status: MessageStatus): number {
  return STATUS_RANK[status];
}

/** Whether a report of `next` may replace the stored `current` status (see statusRank). */
export function isStatusAdvance(current: MessageStatus, next: MessageStatus): boolean {
  return statusRank(next) > statusRank(current);
}

function lookup(
  table: Readonly<Record<string, MessageStatus>>,
  providerStatus: string,
): MessageStatus | undefined {
  return Object.hasOwn(table, providerStatus) ? table[providerStatus] : undefined;
}
