import type {
  MediaContent,
  MessageStatus,
  RawWebhookRequest,
  WebhookEvent,
} from '../channel-provider.interface.js';
import { mapPlivoStatus } from '../delivery-status.js';
import { WebhookPayloadError } from '../provider-errors.js';
import {
  type Fields,
  optionalString,
  parseTimestamp,
  requireFields,
  requireString,
  toE164,
} from '../webhook-payload.js';

const INTENTS = ['optout', 'optin', 'help'] as const;

/** Which of Plivo's timestamps dates each status change. */
const STATUS_TIME_FIELD: Readonly<Record<MessageStatus, string>> = {
  queued: 'QueuedTime',
  held: 'QueuedTime',
  skipped: 'QueuedTime',
  sent: 'SentTime',
  delivered: 'DeliveryReportTime',
  read: 'DeliveryReportTime',
  failed: 'DeliveryReportTime',
  rejected: 'DeliveryReportTime',
  received: 'MessageTime',
};

/** Turns a Plivo form callback into events: `inbound` carries messages, `status` carries delivery status. */
export function parsePlivoWebhook(request: RawWebhookRequest, now: Date = new Date()): WebhookEvent[] {
  const form = requireFields(request.body, 'Plivo callback form');
  switch (request.route) {
    case 'inbound':
      return [inboundMessage(form, now)];
    case 'status':
      return [statusUpdate(form)];
    default:
      throw new WebhookPayloadError(`Plivo posts to the inbound and status routes, not ${request.route}`);
  }
}

function inboundMessage(form: Fields, now: Date): WebhookEvent {
  const id = requireString(form, 'MessageUUID');
  const intent = optionalString(form, 'MessageIntent');
  const media = mediaUrls(form);
  return {
    type: 'inbound-message',
    dedupKey: `plivo:mo:${id}`,
    providerMessageId: id,
    from: toE164(requireString(form, 'From')),
    to: toE164(requireString(form, 'To')),
    // SMS carries `Text`; MMS and WhatsApp carry `Body`.
    text: optionalString(form, 'Text') ?? optionalString(form, 'Body'),
    media: media.length > 0 ? media : undefined,
    intent: INTENTS.find((known) => known === intent),
    // Plivo's inbound callback carries no timestamp: the message is dated when it reaches us.
    receivedAt: now,
  };
}

/** `Media1` … `MediaN`, in order; `MediaCount` and other `Media…` fields are not URLs. */
function mediaUrls(form: Fields): MediaContent[] {
  return Object.keys(form)
    .map((key) => /^Media(\d+)$/.exec(key))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .flatMap((match) => {
      const url = optionalString(form, match[0]);
      return url ? [{ url }] : [];
    });
}

function statusUpdate(form: Fields): WebhookEvent {
  const id = requireString(form, 'MessageUUID');
  const providerStatus = requireString(form, 'Status');
  const status = mapPlivoStatus(providerStatus);
  if (!status) return { type: 'ignored', reason: `unknown Plivo status ${providerStatus} for message ${id}` };
  const to = optionalString(form, 'To');
  return {
    type: 'delivery-status',
    dedupKey: `plivo:status:${id}:${providerStatus}`,
    providerMessageId: id,
    recipient: to ? toE164(to) : undefined,
    status,
    providerStatus,
    errorCode: optionalString(form, 'ErrorCode'),
    occurredAt: parseTimestamp(optionalString(form, STATUS_TIME_FIELD[status])),
  };
}
