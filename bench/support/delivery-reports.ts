import { randomBytes } from 'node:crypto';

import type { MessageStatus } from '../../src/channels/providers/channel-provider.interface.js';
import { statusRank } from '../../src/channels/providers/delivery-status.js';
import { computePlivoV3Signature } from '../../src/channels/providers/signatures/plivo-signature.js';
import { computeSinchSignature } from '../../src/channels/providers/signatures/sinch-signature.js';

/**
 * The delivery reports the webhook benchmark sends: for each pre-created message a short story of
 * reports (some out of order, some ending in failure), shuffled within small blocks so that reports
 * about one message arrive close together, as they do from a provider. Message `n` (1-based) is a
 * Sinch Conversation message when n is odd and a Plivo message when even; its provider message id is
 * `benchMessageId(n)` and its recipient `benchPhone(n)`, as seeded by the benchmark.
 */

export const benchMessageId = (n: number) => `bench-msg-${n}`;
export const benchPhone = (n: number) => `+1415${String(n).padStart(7, '0')}`;
export const isConversationMessage = (n: number) => n % 2 === 1;

export interface BenchChannels {
  conversation: { id: string; appId: string; projectId: string; webhookSecret: string; path: string };
  plivo: { id: string; authToken: string; path: string; publicUrl: string };
}

interface Step {
  providerStatus: string;
  status: MessageStatus;
}

const CONVERSATION_STORIES: Step[][] = [
  [
    { providerStatus: 'QUEUED_ON_CHANNEL', status: 'sent' },
    { providerStatus: 'DELIVERED', status: 'delivered' },
  ],
  [
    { providerStatus: 'DELIVERED', status: 'delivered' },
    { providerStatus: 'QUEUED_ON_CHANNEL', status: 'sent' },
  ],
  [
    { providerStatus: 'QUEUED_ON_CHANNEL', status: 'sent' },
    { providerStatus: 'DELIVERED', status: 'delivered' },
    { providerStatus: 'READ', status: 'read' },
  ],
  [
    { providerStatus: 'QUEUED_ON_CHANNEL', status: 'sent' },
    { providerStatus: 'FAILED', status: 'failed' },
  ],
];

const PLIVO_STORIES: Step[][] = [
  [
    { providerStatus: 'sent', status: 'sent' },
    { providerStatus: 'delivered', status: 'delivered' },
  ],
  [
    { providerStatus: 'delivered', status: 'delivered' },
    { providerStatus: 'sent', status: 'sent' },
  ],
  [
    { providerStatus: 'queued', status: 'queued' },
    { providerStatus: 'sent', status: 'sent' },
    { providerStatus: 'delivered', status: 'delivered' },
  ],
  [
    { providerStatus: 'sent', status: 'sent' },
    { providerStatus: 'undelivered', status: 'failed' },
  ],
];

/** One report, signed once: a duplicate resends exactly these bytes and headers, as a provider's redelivery does. */
export interface SignedReport {
  message: number;
  status: MessageStatus;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Set once any copy of it was answered with a 2xx. */
  acknowledged: boolean;
}

const SHUFFLE_BLOCK_MESSAGES = 16;

/** Yields each message's reports, message after message, shuffled within blocks of a few messages. */
export function* reportPlan(channels: BenchChannels, messages: number): Generator<SignedReport> {
  for (let first = 1; first <= messages; first += SHUFFLE_BLOCK_MESSAGES) {
    const block: SignedReport[] = [];
    for (let n = first; n < first + SHUFFLE_BLOCK_MESSAGES && n <= messages; n += 1) {
      const stories = isConversationMessage(n) ? CONVERSATION_STORIES : PLIVO_STORIES;
      const story = stories[Math.floor(n / 2) % stories.length];
      // Within a story the order is kept (that is what makes "delivered, then a late sent" out of order).
      for (const step of story) block.push(sign(channels, n, step));
    }
    yield* shuffleKeepingStoryOrder(block);
  }
}

/** The status each message must end in: the highest-ranked status among its acknowledged reports. */
export function expectedStatus(
  reports: Iterable<SignedReport>,
  messages: number,
): Map<number, MessageStatus> {
  const expected = new Map<number, MessageStatus>();
  for (let n = 1; n <= messages; n += 1) expected.set(n, 'queued');
  for (const report of reports) {
    if (!report.acknowledged) continue;
    const current = expected.get(report.message)!;
    if (statusRank(report.status) > statusRank(current)) expected.set(report.message, report.status);
  }
  return expected;
}

function sign(channels: BenchChannels, n: number, step: Step): SignedReport {
  return isConversationMessage(n)
    ? signConversation(channels.conversation, n, step)
    : signPlivo(channels.plivo, n, step);
}

function signConversation(channel: BenchChannels['conversation'], n: number, step: Step): SignedReport {
  const now = new Date().toISOString();
  const body = JSON.stringify({
    app_id: channel.appId,
    accepted_time: now,
    event_time: now,
    project_id: channel.projectId,
    message_delivery_report: {
      message_id: benchMessageId(n),
      conversation_id: `bench-conversation-${n}`,
      status: step.providerStatus,
      channel_identity: { channel: 'SMS', identity: benchPhone(n).slice(1), app_id: channel.appId },
      contact_id: `bench-contact-${n}`,
      ...(step.status === 'failed'
        ? {
            reason: {
              code: 'RECIPIENT_NOT_REACHABLE',
              description: 'Recipient not reachable',
              sub_code: 'UNSPECIFIED_SUB_CODE',
            },
          }
        : {}),
      processing_mode: 'CONVERSATION',
    },
  });
  const nonce = randomBytes(13).toString('hex');
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    message: n,
    status: step.status,
    path: channel.path,
    headers: {
      'content-type': 'application/json',
      'x-sinch-webhook-signature': computeSinchSignature(channel.webhookSecret, body, nonce, timestamp),
      'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
      'x-sinch-webhook-signature-nonce': nonce,
      'x-sinch-webhook-signature-timestamp': timestamp,
    },
    body,
    acknowledged: false,
  };
}

function signPlivo(channel: BenchChannels['plivo'], n: number, step: Step): SignedReport {
  const params: Record<string, string> = {
    MessageUUID: benchMessageId(n),
    Status: step.providerStatus,
    To: benchPhone(n).slice(1),
    From: '12025550144',
    Type: 'sms',
    Units: '1',
    ...(step.status === 'failed' ? { ErrorCode: '30' } : {}),
  };
  const nonce = String(BigInt(`0x${randomBytes(8).toString('hex')}`));
  return {
    message: n,
    status: step.status,
    path: channel.path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-plivo-signature-v3': computePlivoV3Signature(channel.authToken, channel.publicUrl, params, nonce),
      'x-plivo-signature-v3-nonce': nonce,
    },
    body: new URLSearchParams(params).toString(),
    acknowledged: false,
  };
}

/** Shuffles the block but keeps each message's reports in their story order relative to each other. */
function shuffleKeepingStoryOrder(block: SignedReport[]): SignedReport[] {
  const slots = block.map((report) => report.message);
  for (let i = slots.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  const queues = new Map<number, SignedReport[]>();
  for (const report of block) queues.set(report.message, [...(queues.get(report.message) ?? []), report]);
  return slots.map((message) => queues.get(message)!.shift()!);
}
