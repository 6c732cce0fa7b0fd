import type { MediaContent, RawWebhookRequest, WebhookEvent } from '../channel-provider.interface.js';
import { mapSinchConversationStatus } from '../delivery-status.js';
import {
  asConversationChannel,
  type Fields,
  optionalFields,
  optionalString,
  parseTimestamp,
  requireFields,
  requireString,
  toE164,
} from '../webhook-payload.js';

/** Channels whose channel identity is the contact's phone number (MSISDN); the others use app-scoped ids. */
const PHONE_IDENTITY_CHANNELS: ReadonlySet<string> = new Set(['SMS', 'MMS', 'WHATSAPP', 'RCS', 'VIBERBM']);

/** Triggers that Switchboard does not act on; listed so that reading the code shows they were considered. */
const IGNORED_TRIGGERS = [
  'message_redaction',
  'event',
  'event_delivery_report',
  'message_submit_notification',
  'conversation_start_notification',
  'conversation_stop_notification',
  'conversation_delete_notification',
  'contact_create_notification',
  'contact_update_notification',
  'contact_delete_notification',
  'contact_merge_notification',
  'duplicated_identities',
  'capability_notification',
  'channel_event_notification',
  'smart_conversation_notification',
  'record_notification',
  'unsupported_callback',
] as const;

/** Turns a Conversation API callback, told apart by its top-level key, into events. */
export function parseSinchConversationWebhook(
  request: RawWebhookRequest,
  now: Date = new Date(),
): WebhookEvent[] {
  const body = requireFields(request.body, 'Sinch Conversation callback');
  const eventTime = parseTimestamp(optionalString(body, 'event_time'));
  const acceptedTime = parseTimestamp(optionalString(body, 'accepted_time'));

  const message = optionalFields(body, 'message');
  if (message) return [inboundMessage(body, message, acceptedTime ?? eventTime ?? now)];

  const report = optionalFields(body, 'message_delivery_report');
  if (report) return [deliveryReport(body, report, eventTime ?? acceptedTime)];

  const optIn = optionalFields(body, 'opt_in_notification');
  if (optIn) return [consent(optIn, 'opt-in', eventTime ?? acceptedTime ?? now)];

  const optOut = optionalFields(body, 'opt_out_notification');
  if (optOut) return [consent(optOut, 'opt-out', eventTime ?? acceptedTime ?? now)];

  const trigger = IGNORED_TRIGGERS.find((key) => key in body) ?? 'an unknown trigger';
  return [{ type: 'ignored', reason: `Sinch Conversation callback ${trigger} is not handled` }];
}

function inboundMessage(body: Fields, message: Fields, fallbackTime: Date): WebhookEvent {
  const id = requireString(message, 'id');
  const direction = optionalString(message, 'direction');
  if (direction && direction !== 'TO_APP') {
    return { type: 'ignored', reason: `Sinch Conversation message ${id} has direction ${direction}` };
  }
  const identity = requireFields(message['channel_identity'], 'message.channel_identity');
  const channelName = requireString(identity, 'channel');
  const contactMessage = optionalFields(message, 'contact_message');
  return {
    type: 'inbound-message',
    dedupKey: `sinch-conversation:mo:${id}`,
    providerMessageId: id,
    from: contactIdentity(channelName, requireString(identity, 'identity')),
    to:
      optionalString(message, 'sender_id') ??
      optionalString(identity, 'app_id') ??
      requireString(body, 'app_id'),
    ...(contactMessage ? messageContent(contactMessage) : {}),
    conversationChannel: asConversationChannel(channelName),
    receivedAt: parseTimestamp(optionalString(message, 'accept_time')) ?? fallbackTime,
  };
}

function messageContent(contactMessage: Fields): { text?: string; media?: MediaContent[] } {
  const text = optionalFields(contactMessage, 'text_message');
  if (text) return { text: optionalString(text, 'text') };
  const media = optionalFields(contactMessage, 'media_message');
  if (media) return { media: [{ url: requireString(media, 'url') }] };
  const card = optionalFields(contactMessage, 'media_card_message');
  if (card) return { media: [{ url: requireString(card, 'url'), caption: optionalString(card, 'caption') }] };
  const fallback = optionalFields(contactMessage, 'fallback_message');
  if (fallback) return { text: optionalString(fallback, 'raw_message') };
  return {};
}

function deliveryReport(body: Fields, report: Fields, occurredAt: Date | undefined): WebhookEvent {
  const messageId = requireString(report, 'message_id');
  const providerStatus = requireString(report, 'status');
  const status = mapSinchConversationStatus(providerStatus);
  if (!status) {
    return {
      type: 'ignored',
      reason: `unknown Sinch Conversation status ${providerStatus} for message ${messageId}`,
    };
  }
  const identity = optionalFields(report, 'channel_identity');
  const channelName = identity ? optionalString(identity, 'channel') : undefined;
  const identityValue = identity ? optionalString(identity, 'identity') : undefined;
  const reason = optionalFields(report, 'reason');
  const reasonCode = reason ? optionalString(reason, 'code') : undefined;
  return {
    type: 'delivery-status',
    // One message reports the same status once per channel it is tried on (fallback), so the channel is part of the key.
    dedupKey: `sinch-conversation:dr:${messageId}:${channelName ?? ''}:${providerStatus}`,
    providerMessageId: messageId,
    clientReference: optionalString(body, 'correlation_id'),
    recipient: identityValue && channelName ? contactIdentity(channelName, identityValue) : identityValue,
    status,
    providerStatus,
    statusReason: (reason ? optionalString(reason, 'description') : undefined) ?? reasonCode,
    errorCode: reasonCode,
    occurredAt,
  };
}

function consent(notification: Fields, action: 'opt-in' | 'opt-out', occurredAt: Date): WebhookEvent {
  const kind = action === 'opt-in' ? 'OPT_IN' : 'OPT_OUT';
  const status = optionalString(notification, 'status');
  // These notifications answer Switchboard's own opt-in/opt-out registration requests: only a
  // registration that took effect changes the contact's consent.
  if (status !== `${kind}_SUCCEEDED`) {
    return {
      type: 'ignored',
      reason: `Sinch Conversation ${action} notification with status ${status ?? 'none'}`,
    };
  }
  const channelName = optionalString(notification, 'channel');
  const identity = optionalString(notification, 'identity');
  if (!identity)
    return { type: 'ignored', reason: `Sinch Conversation ${action} notification names no identity` };
  const from = channelName ? contactIdentity(channelName, identity) : identity;
  const requestId = optionalString(notification, 'request_id');
  return {
    type: 'consent',
    dedupKey: `sinch-conversation:${action}:${requestId ?? `${channelName ?? ''}:${from}:${occurredAt.toISOString()}`}`,
    from,
    conversationChannel: channelName ? asConversationChannel(channelName) : undefined,
    action,
    occurredAt,
  };
}

function contactIdentity(channel: string, identity: string): string {
  return PHONE_IDENTITY_CHANNELS.has(channel) ? toE164(identity) : identity;
}
