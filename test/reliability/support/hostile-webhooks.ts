import { createHmac, randomBytes } from 'node:crypto';

import fc from 'fast-check';

import { nowUnixSeconds, plivoV2Signature, plivoV3Signature } from '../../support/webhooks.js';
import { hostileString, percentEncode } from './hostile-strings.js';

/** Provider callbacks as an attacker (or a broken provider) might send them, signed or not. */

/** Sinch's signature over raw bytes, which need not be UTF-8: base64(HMAC-SHA256(secret, body + "." + nonce + "." + timestamp)). */
export function sinchHeadersForBytes(
  secret: string,
  body: string | Uint8Array,
  timestamp = String(nowUnixSeconds()),
): Record<string, string> {
  const nonce = randomBytes(12).toString('hex');
  const signature = createHmac('sha256', secret)
    .update(body)
    .update(`.${nonce}.${timestamp}`)
    .digest('base64');
  return {
    'x-sinch-webhook-signature': signature,
    'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
    'x-sinch-webhook-signature-nonce': nonce,
    'x-sinch-webhook-signature-timestamp': timestamp,
  };
}

/** Form params as the server will read them back from `body` (so a signature covers what it checks). */
const formParamsOf = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));

export const formBodyOf = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .join('&');

export function plivoHeaders(authToken: string, publicUrl: string, body: string): Record<string, string> {
  const nonce = String(BigInt(`0x${randomBytes(8).toString('hex')}`));
  return {
    'x-plivo-signature-v3': plivoV3Signature(authToken, publicUrl, formParamsOf(body), nonce),
    'x-plivo-signature-v3-nonce': nonce,
  };
}

const hostileOr = <T>(valid: fc.Arbitrary<T>, maxLength = 300) =>
  fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: hostileString({ maxLength }) });
const digits = fc.stringMatching(/^1415[2-9]\d{6}$/);
const ulid = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);

/** Sinch SMS callbacks in their wire format with any field possibly hostile. */
export const sinchSmsEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    type: hostileOr(fc.constantFrom('mo_text', 'mo_binary', 'mo_media')),
    id: hostileOr(ulid),
    from: hostileOr(digits),
    to: hostileOr(digits),
    body: hostileString({ maxLength: 5000 }),
    received_at: hostileOr(fc.constant(new Date().toISOString())),
  }),
  fc.record({
    type: hostileOr(fc.constantFrom('recipient_delivery_report_sms', 'delivery_report_sms')),
    batch_id: hostileOr(ulid),
    recipient: hostileOr(digits),
    status: hostileOr(fc.constantFrom('Delivered', 'Failed', 'Dispatched', 'Queued')),
    code: fc.oneof(fc.integer(), hostileString({ maxLength: 20 })),
    statuses: fc.array(
      fc.record({
        status: hostileOr(fc.constant('Delivered')),
        code: fc.integer(),
        recipients: fc.array(hostileOr(digits), { maxLength: 3 }),
      }),
      { maxLength: 2 },
    ),
    at: hostileOr(fc.constant(new Date().toISOString())),
  }),
);

/** The triggers a Conversation callback is told apart by (inbound, delivery report, opt-out, unknown), with hostile fields. */
const conversationTrigger: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    app_id: hostileOr(fc.constant('app')),
    message: fc.record({
      id: hostileOr(ulid),
      direction: hostileOr(fc.constant('TO_APP')),
      channel_identity: fc.record({
        channel: hostileOr(fc.constantFrom('SMS', 'WHATSAPP', 'RCS')),
        identity: hostileOr(digits.map((d) => `+${d}`)),
      }),
      contact_message: fc.record({ text_message: fc.record({ text: hostileString({ maxLength: 5000 }) }) }),
    }),
  }),
  fc.record({
    app_id: hostileOr(fc.constant('app')),
    message_delivery_report: fc.record({
      message_id: hostileOr(ulid),
      status: hostileOr(fc.constantFrom('DELIVERED', 'READ', 'FAILED', 'QUEUED_ON_CHANNEL')),
      channel_identity: fc.record({ channel: hostileOr(fc.constant('SMS')), identity: hostileOr(digits) }),
      reason: fc.record({
        code: hostileString({ maxLength: 100 }),
        description: hostileString({ maxLength: 1000 }),
      }),
    }),
  }),
  fc.record({
    opt_out_notification: fc.record({
      identity: hostileOr(digits),
      channel: hostileOr(fc.constant('SMS')),
      status: hostileOr(fc.constant('OPT_OUT_SUCCEEDED')),
    }),
  }),
  fc.dictionary(hostileString({ maxLength: 40 }), hostileString({ maxLength: 200 }), { maxKeys: 3 }),
);

/** Sinch Conversation callbacks, each with the `accepted_time` every Conversation callback carries. */
export const conversationEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.date({
      min: new Date('2026-01-01T00:00:00Z'),
      max: new Date('2027-01-01T00:00:00Z'),
      noInvalidDate: true,
    }),
    conversationTrigger,
  )
  .map(([acceptedAt, event]) => ({ accepted_time: acceptedAt.toISOString(), ...event }));

/** Plivo form params (inbound or status) with hostile values. */
export const plivoParams: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.record({
    From: hostileOr(digits),
    To: hostileOr(digits),
    Text: hostileString({ maxLength: 5000 }),
    Type: hostileOr(fc.constantFrom('sms', 'mms', 'whatsapp')),
    MessageUUID: hostileOr(fc.uuid()),
  }),
  fc.record({
    MessageUUID: hostileOr(fc.uuid()),
    Status: hostileOr(fc.constantFrom('delivered', 'failed', 'undelivered', 'sent', 'queued', 'read')),
    ErrorCode: hostileString({ maxLength: 20 }),
    To: hostileOr(digits),
  }),
  fc.dictionary(hostileString({ maxLength: 40 }), hostileString({ maxLength: 200 }), { maxKeys: 4 }),
);

/** The ways a callback can be made to look authentic without the channel's secret. */
export const FORGERIES = [
  'unsigned',
  'signed with another secret',
  'signature over another body',
  'Sinch timestamp six minutes old',
  'Sinch timestamp six minutes ahead',
  'garbage signature headers',
  'Plivo V3 over another URL',
  'Plivo V3 invalid, V2 valid',
  'Plivo V2 under another token',
  'wrong Sinch SMS URL token',
] as const;
export type Forgery = (typeof FORGERIES)[number];

/** A provider route of one channel, and what authenticates callbacks to it. */
export interface WebhookTarget {
  name: string;
  scheme: 'sinch' | 'plivo';
  /** The path requests are posted to. */
  path: string;
  /** The URL the provider signs (Plivo). */
  publicUrl: string;
  /** The channel's signing secret: Sinch webhookSecret or Plivo authToken. */
  secret: string;
  /** Sinch SMS without a webhookSecret: the token at the end of the path is the only credential. */
  urlTokenOnly: boolean;
}

export interface ForgedRequest {
  path: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
}

const PLIVO_NONCE = '12345678901234567890';

/** Builds a callback to `target` that fails authentication in the way `forgery` says; `noise` varies it. */
export function forgeCallback(
  target: WebhookTarget,
  forgery: Forgery,
  body: string | Uint8Array,
  noise: string,
): ForgedRequest {
  const isPlivo = target.scheme === 'plivo';
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
  const signWith = (key: string, bytes: string | Uint8Array = body) =>
    isPlivo ? plivoHeaders(key, target.publicUrl, text) : sinchHeadersForBytes(key, bytes);
  let path = target.path;
  let sent = body;
  let headers: Record<string, string> = {};
  switch (forgery) {
    case 'unsigned':
      break;
    case 'signed with another secret':
      headers = signWith(`not-the-secret-${noise.length}`);
      break;
    case 'signature over another body':
      headers = signWith(target.secret);
      sent = isPlivo
        ? `${text}&Tampered=${percentEncode(noise)}x`
        : Buffer.concat([Buffer.from(body), Buffer.from(' ')]);
      break;
    case 'Sinch timestamp six minutes old':
      headers = isPlivo ? {} : sinchHeadersForBytes(target.secret, body, String(nowUnixSeconds() - 360));
      break;
    case 'Sinch timestamp six minutes ahead':
      headers = isPlivo ? {} : sinchHeadersForBytes(target.secret, body, String(nowUnixSeconds() + 360));
      break;
    case 'garbage signature headers':
      headers = {
        'x-sinch-webhook-signature': 'AAAA',
        'x-sinch-webhook-signature-nonce': "' OR 1=1 --",
        'x-sinch-webhook-signature-timestamp': '99999999999999999999',
        'x-plivo-signature-v3': ',,,',
        'x-plivo-signature-v3-nonce': '',
        'x-plivo-signature-v2': '=',
      };
      break;
    case 'Plivo V3 over another URL':
      headers = isPlivo ? plivoHeaders(target.secret, `${target.publicUrl}/other`, text) : {};
      break;
    case 'Plivo V3 invalid, V2 valid':
      headers = isPlivo
        ? {
            'x-plivo-signature-v3': 'bm90IGl0',
            'x-plivo-signature-v3-nonce': PLIVO_NONCE,
            'x-plivo-signature-v2': plivoV2Signature(target.secret, target.publicUrl, PLIVO_NONCE),
            'x-plivo-signature-v2-nonce': PLIVO_NONCE,
          }
        : {};
      break;
    case 'Plivo V2 under another token':
      headers = isPlivo
        ? {
            'x-plivo-signature-v2': plivoV2Signature('another token', target.publicUrl, PLIVO_NONCE),
            'x-plivo-signature-v2-nonce': PLIVO_NONCE,
          }
        : {};
      break;
    case 'wrong Sinch SMS URL token':
      path = path.replace(/\/[^/]+$/, '/not-the-token');
      break;
  }
  // Where the URL token is the only credential, forging means not knowing it.
  if (target.urlTokenOnly) path = path.replace(/\/[^/]+$/, `/${percentEncode(noise.slice(0, 40)) || 'x'}`);
  const contentType = isPlivo ? 'application/x-www-form-urlencoded' : 'application/json';
  return { path, body: sent, headers: { 'content-type': contentType, ...headers } };
}
