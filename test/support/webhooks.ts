import { createHmac, randomBytes } from 'node:crypto';

/**
 * Provider callbacks as the providers send them, signed by an implementation of each scheme written
 * from the providers' documentation (docs/wire-formats.md), independent of the code under test.
 */

export const nowUnixSeconds = () => Math.floor(Date.now() / 1000);

const hmacBase64 = (key: string, message: string) =>
  createHmac('sha256', key).update(message, 'utf8').digest('base64');

export interface SinchSigningOptions {
  nonce?: string;
  /** Unix seconds, as a string; defaults to now. */
  timestamp?: string;
}

/** Sinch's callback signature: base64(HMAC-SHA256(secret, rawBody + "." + nonce + "." + timestamp)). */
export function sinchSignature(secret: string, rawBody: string, nonce: string, timestamp: string): string {
  return hmacBase64(secret, `${rawBody}.${nonce}.${timestamp}`);
}

function sinchSignatureHeaders(
  secret: string,
  rawBody: string,
  options: SinchSigningOptions = {},
): Record<string, string> {
  const nonce = options.nonce ?? randomBytes(13).toString('hex').toUpperCase();
  const timestamp = options.timestamp ?? String(nowUnixSeconds());
  return {
    'content-type': 'application/json',
    'x-sinch-webhook-signature': sinchSignature(secret, rawBody, nonce, timestamp),
    'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
    'x-sinch-webhook-signature-nonce': nonce,
    'x-sinch-webhook-signature-timestamp': timestamp,
  };
}

/** A JSON callback serialised once: the signature covers exactly these bytes. */
export function signedSinchJson(
  secret: string,
  payload: unknown,
  options: SinchSigningOptions = {},
): { body: string; headers: Record<string, string> } {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { body, headers: sinchSignatureHeaders(secret, body, options) };
}

/**
 * Plivo V3 for a POST without a query string: url + "?" + form params sorted by key as key+value
 * with no separators, then "." + nonce.
 */
export function plivoV3Signature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  nonce: string,
): string {
  if (url.includes('?'))
    throw new Error('plivoV3Signature: URLs with a query string are not needed by these tests');
  const keys = Object.keys(params).sort();
  const signed = keys.length > 0 ? `${url}?${keys.map((key) => key + params[key]).join('')}` : url;
  return hmacBase64(authToken, `${signed}.${nonce}`);
}

/** Plivo V2: base64(HMAC-SHA256(authToken, url-without-query + nonce)); the body is not covered. */
export function plivoV2Signature(authToken: string, url: string, nonce: string): string {
  return hmacBase64(authToken, url.split('?', 1)[0] + nonce);
}

const plivoNonce = () => String(BigInt(`0x${randomBytes(8).toString('hex')}`)).padStart(20, '1');

export function plivoV3Headers(
  authToken: string,
  url: string,
  params: Record<string, string>,
  nonce = plivoNonce(),
): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-plivo-signature-v3': plivoV3Signature(authToken, url, params, nonce),
    'x-plivo-signature-v3-nonce': nonce,
  };
}

export function plivoV2Headers(authToken: string, url: string, nonce = plivoNonce()): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-plivo-signature-v2': plivoV2Signature(authToken, url, nonce),
    'x-plivo-signature-v2-nonce': nonce,
  };
}

export const formBody = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** The path (and query) of a public webhook URL, to post it to the server under test. */
export const pathOf = (publicUrl: string) => {
  const url = new URL(publicUrl);
  return `${url.pathname}${url.search}`;
};

/** A ULID-shaped id, as Sinch's message, batch and inbound ids are. */
export function sinchId(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return [...randomBytes(26)].map((byte) => alphabet[byte % 32]).join('');
}

/** Sinch SMS `recipient_delivery_report_sms`, recipient as Sinch writes it (no leading `+`). */
export function sinchRecipientReport(fields: {
  batchId: string;
  recipient: string;
  status: string;
  code?: number;
  clientReference?: string;
}) {
  return {
    at: new Date().toISOString(),
    batch_id: fields.batchId,
    client_reference: fields.clientReference,
    code: fields.code ?? 0,
    operator_status_at: new Date().toISOString(),
    recipient: fields.recipient.replace(/^\+/, ''),
    status: fields.status,
    type: 'recipient_delivery_report_sms',
  };
}

/** Sinch SMS `mo_text`: an inbound text, numbers without `+` as Sinch's SDK fixtures have them. */
export function sinchMoText(fields: { id?: string; from: string; to: string; body: string }) {
  return {
    body: fields.body,
    from: fields.from.replace(/^\+/, ''),
    id: fields.id ?? sinchId(),
    operator_id: '35000',
    received_at: new Date().toISOString(),
    sent_at: new Date().toISOString(),
    to: fields.to.replace(/^\+/, ''),
    type: 'mo_text',
  };
}

/** Conversation API MESSAGE_DELIVERY (`message_delivery_report`). */
export function conversationDeliveryReport(fields: {
  appId: string;
  projectId: string;
  messageId: string;
  status: string;
  channel: string;
  identity: string;
  reason?: { code: string; description: string };
}) {
  return {
    app_id: fields.appId,
    accepted_time: new Date().toISOString(),
    event_time: new Date().toISOString(),
    project_id: fields.projectId,
    message_delivery_report: {
      message_id: fields.messageId,
      conversation_id: sinchId(),
      status: fields.status,
      channel_identity: { channel: fields.channel, identity: fields.identity, app_id: fields.appId },
      contact_id: sinchId(),
      ...(fields.reason ? { reason: { ...fields.reason, sub_code: 'UNSPECIFIED_SUB_CODE' } } : {}),
      processing_mode: 'CONVERSATION',
    },
  };
}

/** Conversation API MESSAGE_INBOUND (`message`), a contact's text on `channel`. */
export function conversationInboundMessage(fields: {
  appId: string;
  projectId: string;
  id?: string;
  channel: string;
  identity: string;
  text: string;
}) {
  return {
    app_id: fields.appId,
    accepted_time: new Date().toISOString(),
    event_time: new Date().toISOString(),
    project_id: fields.projectId,
    message: {
      id: fields.id ?? sinchId(),
      direction: 'TO_APP',
      channel_identity: { channel: fields.channel, identity: fields.identity, app_id: fields.appId },
      conversation_id: sinchId(),
      contact_id: sinchId(),
      accept_time: new Date().toISOString(),
      processing_mode: 'CONVERSATION',
      contact_message: { text_message: { text: fields.text } },
    },
  };
}
