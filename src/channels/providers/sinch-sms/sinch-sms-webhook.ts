import type { MediaContent, RawWebhookRequest, WebhookEvent } from '../channel-provider.interface.js';
import { mapSinchSmsStatus } from '../delivery-status.js';
import { WebhookPayloadError } from '../provider-errors.js';
import {
  type Fields,
  isFields,
  optionalArray,
  optionalFields,
  optionalString,
  parseTimestamp,
  requireFields,
  requireString,
  toE164,
} from '../webhook-payload.js';

type DeliveryStatusEvent = Extract<WebhookEvent, { type: 'delivery-status' }>;
type InboundMessageEvent = Extract<WebhookEvent, { type: 'inbound-message' }>;

/** Sinch's own descriptions of its final non-delivered statuses, kept as the message's status reason. */
const STATUS_REASONS: Readonly<Record<string, string>> = {
  Aborted: 'Message was aborted before reaching the SMSC',
  Cancelled: 'Message was cancelled before reaching the SMSC',
  Rejected: 'Message was rejected by the SMSC',
  Deleted: 'Message was deleted by a remote SMSC (invalid or opted-out number)',
  Failed: 'Message failed to be delivered',
  Expired: 'Message expired before delivery to the SMSC',
  Unknown: 'Message reached the SMSC but no readable delivery receipt came back',
};

/** Turns a Sinch SMS REST callback (delivery reports and inbound messages, told apart by `type`) into events. */
export function parseSinchSmsWebhook(request: RawWebhookRequest, now: Date = new Date()): WebhookEvent[] {
  const body = requireFields(request.body, 'Sinch SMS callback');
  const type = requireString(body, 'type');
  switch (type) {
    case 'recipient_delivery_report_sms':
    case 'recipient_delivery_report_mms':
      return [recipientReport(body)];
    case 'delivery_report_sms':
    case 'delivery_report_mms':
      return batchReport(body);
    case 'mo_text':
      return [inbound(body, now, optionalString(body, 'body'), undefined)];
    case 'mo_binary':
      // The body is base64 binary (ringtones, WAP push…): there is no text to show an agent.
      return [inbound(body, now, undefined, undefined)];
    case 'mo_media':
      return [mediaInbound(body, now)];
    default:
      return [{ type: 'ignored', reason: `Sinch SMS callback type ${type} is not handled` }];
  }
}

function recipientReport(body: Fields): WebhookEvent {
  const batchId = requireString(body, 'batch_id');
  return (
    deliveryStatus({
      batchId,
      recipient: requireString(body, 'recipient'),
      providerStatus: requireString(body, 'status'),
      code: readCode(body),
      clientReference: optionalString(body, 'client_reference'),
      occurredAt: parseTimestamp(optionalString(body, 'at')),
    }) ?? {
      type: 'ignored',
      reason: `unknown Sinch SMS status ${String(body['status'])} in batch ${batchId}`,
    }
  );
}

function batchReport(body: Fields): WebhookEvent[] {
  const batchId = requireString(body, 'batch_id');
  const clientReference = optionalString(body, 'client_reference');
  const statuses = optionalArray(body, 'statuses');
  if (!statuses) throw new WebhookPayloadError('statuses is missing or not an array');

  const events: WebhookEvent[] = [];
  for (const entry of statuses) {
    const status = requireFields(entry, 'statuses[]');
    const providerStatus = requireString(status, 'status');
    const code = readCode(status);
    // A `summary` report counts recipients without naming them: nothing can be matched to a message.
    for (const recipient of optionalArray(status, 'recipients') ?? []) {
      if (typeof recipient !== 'string')
        throw new WebhookPayloadError('statuses[].recipients[] is not a string');
      const event = deliveryStatus({
        batchId,
        recipient,
        providerStatus,
        code,
        clientReference,
        occurredAt: undefined,
      });
      events.push(
        event ?? {
          type: 'ignored',
          reason: `unknown Sinch SMS status ${providerStatus} in batch ${batchId}`,
        },
      );
    }
  }
  return events.length > 0
    ? events
    : [{ type: 'ignored', reason: `batch report for ${batchId} names no recipients` }];
}

interface ReportFields {
  batchId: string;
  recipient: string;
  providerStatus: string;
  code: string | undefined;
  clientReference: string | undefined;
  occurredAt: Date | undefined;
}

function deliveryStatus(report: ReportFields): DeliveryStatusEvent | undefined {
  const status = mapSinchSmsStatus(report.providerStatus);
  if (!status) return undefined;
  const recipient = toE164(report.recipient);
  return {
    type: 'delivery-status',
    dedupKey: `sinch-sms:dr:${report.batchId}:${recipient}:${report.providerStatus}:${report.code ?? ''}`,
    providerBatchId: report.batchId,
    clientReference: report.clientReference,
    recipient,
    status,
    providerStatus: report.providerStatus,
    statusReason: STATUS_REASONS[report.providerStatus],
    errorCode: report.code,
    occurredAt: report.occurredAt,
  };
}

function mediaInbound(body: Fields, now: Date): InboundMessageEvent {
  const content = optionalFields(body, 'body');
  if (!content) return inbound(body, now, undefined, undefined);
  const media: MediaContent[] = (optionalArray(content, 'media') ?? []).filter(isFields).flatMap((item) => {
    const url = optionalString(item, 'url');
    return url ? [{ url }] : [];
  });
  const text = optionalString(content, 'message') ?? optionalString(content, 'subject');
  return inbound(body, now, text, media.length > 0 ? media : undefined);
}

function inbound(
  body: Fields,
  now: Date,
  text: string | undefined,
  media: MediaContent[] | undefined,
): InboundMessageEvent {
  const id = requireString(body, 'id');
  return {
    type: 'inbound-message',
    dedupKey: `sinch-sms:mo:${id}`,
    providerMessageId: id,
    from: toE164(requireString(body, 'from')),
    to: toE164(requireString(body, 'to')),
    text,
    media,
    receivedAt: parseTimestamp(optionalString(body, 'received_at')) ?? now,
  };
}

function readCode(fields: Fields): string | undefined {
  const code = fields['code'];
  if (code === undefined || code === null) return undefined;
  if (typeof code !== 'number' && typeof code !== 'string')
    throw new WebhookPayloadError('code is not a number');
  return String(code);
}
