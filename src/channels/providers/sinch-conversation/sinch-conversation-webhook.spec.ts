import { expect } from '@jest/globals';
import type { RawWebhookRequest, WebhookEvent } from '../channel-provider.interface.js';
import { WebhookPayloadError } from '../provider-errors.js';
import { parseSinchConversationWebhook } from './sinch-conversation-webhook.js';

const now = new Date('2026-01-01T00:00:00Z');

function callback(body: unknown): RawWebhookRequest {
  return {
    route: 'callback',
    rawBody: Buffer.from(JSON.stringify(body)),
    headers: {},
    publicUrl: 'https://switchboard.example/api/v1/webhooks/sinch-conversation/channel',
    body,
  };
}

function parse(body: unknown): WebhookEvent[] {
  return parseSinchConversationWebhook(callback(body), now);
}

function only(events: WebhookEvent[]): WebhookEvent {
  expect(events).toHaveLength(1);
  return events[0];
}

function dedupKey(body: unknown): string {
  const event = only(parse(body));
  if (event.type === 'ignored') throw new Error(`expected an event with a dedup key, got ${event.reason}`);
  return event.dedupKey;
}

const envelope = {
  app_id: 'app id value',
  accepted_time: '2020-11-17T16:05:51.724083Z',
  event_time: '2020-11-17T16:05:45Z',
  message_metadata: 'metadata value',
  project_id: 'project id value',
  correlation_id: 'correlation id value',
};

// wire-formats.md §4 (sinch-sdk-java fixture).
const inbound = {
  ...envelope,
  message: {
    id: 'event id',
    direction: 'TO_APP',
    channel_identity: { app_id: 'an app id', channel: 'MESSENGER', identity: 'an identity' },
    conversation_id: 'conversation id',
    contact_id: 'contact ID',
    metadata: 'metadata value',
    accept_time: '2020-11-17T16:07:15Z',
    sender_id: 'sender id value',
    processing_mode: 'DISPATCH',
    injected: true,
    contact_message: {
      text_message: { text: 'This is a text message.' },
      reply_to: { message_id: 'message id value' },
    },
  },
};

// wire-formats.md §5 (sinch-sdk-java fixture).
const deliveryReport = {
  ...envelope,
  message_delivery_report: {
    message_id: 'message id',
    conversation_id: 'conversation id',
    status: 'DELIVERED',
    channel_identity: { app_id: 'an app id', channel: 'MESSENGER', identity: 'an identity' },
    contact_id: 'contact ID',
    reason: {
      code: 'RECIPIENT_NOT_OPTED_IN',
      description: 'reason description',
      sub_code: 'UNSPECIFIED_SUB_CODE',
    },
    metadata: 'metadata value',
    processing_mode: 'DISPATCH',
  },
};

// wire-formats.md §6 (sinch-sdk-python signature vector body).
const signedVectorBody = {
  app_id: '01EB37HMH1M6SV18BSNS3G135H',
  accepted_time: '2020-11-17T15:09:11.659Z',
  project_id: 'c36f3d3d-1513-2edd-ae42-11995557ff61',
  message_delivery_report: {
    message_id: '01EQBC1A3BEK731GY4YXEN0C2R',
    conversation_id: '01EPYATA64TMNZ1FV02JKF12JF',
    status: 'QUEUED_ON_CHANNEL',
    contact_id: '01EXA07N79THJ20WSN6AS30TMW',
  },
};

function withReport(changes: Record<string, unknown>): unknown {
  return {
    ...deliveryReport,
    message_delivery_report: { ...deliveryReport.message_delivery_report, ...changes },
  };
}

function withMessage(changes: Record<string, unknown>): unknown {
  return { ...inbound, message: { ...inbound.message, ...changes } };
}

function whatsAppOptOut(changes: Record<string, unknown> = {}): unknown {
  return {
    ...envelope,
    opt_out_notification: {
      request_id: '01H0OPTOUTREQUEST',
      channel: 'WHATSAPP',
      identity: '46732001122',
      status: 'OPT_OUT_SUCCEEDED',
      processing_mode: 'CONVERSATION',
      ...changes,
    },
  };
}

describe('parseSinchConversationWebhook', () => {
  describe('MESSAGE_INBOUND', () => {
    it('turns the SDK fixture into an inbound message on its channel', () => {
      expect(parse(inbound)).toEqual([
        {
          type: 'inbound-message',
          dedupKey: 'sinch-conversation:mo:event id',
          providerMessageId: 'event id',
          from: 'an identity',
          to: 'sender id value',
          text: 'This is a text message.',
          conversationChannel: 'MESSENGER',
          receivedAt: new Date('2020-11-17T16:07:15Z'),
        },
      ]);
    });

    it('writes a WhatsApp or SMS identity as E.164 with the +', () => {
      const identity = { channel: 'WHATSAPP', identity: '46732001122' };

      expect(only(parse(withMessage({ channel_identity: identity })))).toMatchObject({
        from: '+46732001122',
        conversationChannel: 'WHATSAPP',
      });
      expect(only(parse(withMessage({ channel_identity: { ...identity, channel: 'SMS' } })))).toMatchObject({
        from: '+46732001122',
      });
    });

    it('leaves a numeric app-scoped identity (Messenger, Telegram) alone', () => {
      const identity = { channel: 'TELEGRAM', identity: '123456789' };

      expect(only(parse(withMessage({ channel_identity: identity })))).toMatchObject({
        from: '123456789',
        conversationChannel: 'TELEGRAM',
      });
    });

    it('reads a media message as media', () => {
      const event = only(
        parse(withMessage({ contact_message: { media_message: { url: 'https://cdn.example/cat.jpg' } } })),
      );

      expect(event).toMatchObject({ media: [{ url: 'https://cdn.example/cat.jpg' }] });
      expect(event).not.toHaveProperty('text');
    });

    it('keeps a channel Switchboard does not list out of conversationChannel', () => {
      const event = only(
        parse(withMessage({ channel_identity: { channel: 'APPLEBC', identity: 'urn:abc' } })),
      );

      expect(event).toMatchObject({
        type: 'inbound-message',
        from: 'urn:abc',
        conversationChannel: undefined,
      });
    });

    it('falls back to the envelope times, then to now, when accept_time is missing', () => {
      expect(only(parse(withMessage({ accept_time: undefined })))).toMatchObject({
        receivedAt: new Date('2020-11-17T16:05:51.724Z'),
      });
      const bare = { app_id: 'app', message: { ...inbound.message, accept_time: undefined } };
      expect(only(parse(bare))).toMatchObject({ receivedAt: now });
    });

    it('gives a redelivery the same dedup key and another message another', () => {
      expect(dedupKey(structuredClone(inbound))).toBe(dedupKey(inbound));
      expect(dedupKey(withMessage({ id: 'another event id' }))).not.toBe(dedupKey(inbound));
    });
  });

  describe('MESSAGE_DELIVERY', () => {
    it('turns the SDK fixture into a delivery status with its reason', () => {
      expect(parse(deliveryReport)).toEqual([
        {
          type: 'delivery-status',
          dedupKey: 'sinch-conversation:dr:message id:MESSENGER:DELIVERED',
          providerMessageId: 'message id',
          clientReference: 'correlation id value',
          recipient: 'an identity',
          status: 'delivered',
          providerStatus: 'DELIVERED',
          statusReason: 'reason description',
          errorCode: 'RECIPIENT_NOT_OPTED_IN',
          occurredAt: new Date('2020-11-17T16:05:45Z'),
        },
      ]);
    });

    it('reads the signature-vector body, which has no channel identity or reason', () => {
      expect(only(parse(signedVectorBody))).toMatchObject({
        type: 'delivery-status',
        providerMessageId: '01EQBC1A3BEK731GY4YXEN0C2R',
        status: 'sent',
        providerStatus: 'QUEUED_ON_CHANNEL',
        recipient: undefined,
        errorCode: undefined,
        occurredAt: new Date('2020-11-17T15:09:11.659Z'),
      });
    });

    it.each([
      ['QUEUED_ON_CHANNEL', 'sent'],
      ['DELIVERED', 'delivered'],
      ['READ', 'read'],
      ['FAILED', 'failed'],
      ['SWITCHING_CHANNEL', 'queued'],
    ])('reports %s as %s', (providerStatus, status) => {
      expect(only(parse(withReport({ status: providerStatus })))).toMatchObject({ status, providerStatus });
    });

    it('uses the reason code when there is no description', () => {
      const failed = withReport({ status: 'FAILED', reason: { code: 'OUTSIDE_ALLOWED_SENDING_WINDOW' } });

      expect(only(parse(failed))).toMatchObject({
        statusReason: 'OUTSIDE_ALLOWED_SENDING_WINDOW',
        errorCode: 'OUTSIDE_ALLOWED_SENDING_WINDOW',
      });
    });

    it('writes a phone identity as E.164 with the +', () => {
      const report = withReport({ channel_identity: { channel: 'WHATSAPP', identity: '46732001122' } });

      expect(only(parse(report))).toMatchObject({ recipient: '+46732001122' });
    });

    it('ignores a status word it does not know', () => {
      expect(only(parse(withReport({ status: 'STATUS_UNSPECIFIED' })))).toMatchObject({ type: 'ignored' });
    });

    it('gives a redelivery the same dedup key', () => {
      expect(dedupKey(withReport({}))).toBe(dedupKey(deliveryReport));
    });

    it('gives another status, message or fallback channel another dedup key', () => {
      const keys = [
        deliveryReport,
        withReport({ status: 'READ' }),
        withReport({ status: 'FAILED' }),
        withReport({ message_id: 'another message id' }),
        withReport({
          status: 'SWITCHING_CHANNEL',
          channel_identity: { channel: 'WHATSAPP', identity: '46732001122' },
        }),
        withReport({
          status: 'SWITCHING_CHANNEL',
          channel_identity: { channel: 'SMS', identity: '46732001122' },
        }),
      ].map(dedupKey);

      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  describe('OPT_IN and OPT_OUT', () => {
    it('turns a successful opt-out into a consent event for the E.164 number', () => {
      expect(parse(whatsAppOptOut())).toEqual([
        {
          type: 'consent',
          dedupKey: 'sinch-conversation:opt-out:01H0OPTOUTREQUEST',
          from: '+46732001122',
          conversationChannel: 'WHATSAPP',
          action: 'opt-out',
          occurredAt: new Date('2020-11-17T16:05:45Z'),
        },
      ]);
    });

    it('turns a successful opt-in into a consent event', () => {
      const optIn = {
        ...envelope,
        opt_in_notification: {
          request_id: 'req-in',
          channel: 'SMS',
          identity: '+46732001122',
          status: 'OPT_IN_SUCCEEDED',
        },
      };

      expect(only(parse(optIn))).toMatchObject({
        type: 'consent',
        action: 'opt-in',
        from: '+46732001122',
        dedupKey: 'sinch-conversation:opt-in:req-in',
      });
    });

    it.each(['OPT_OUT_FAILED', 'OPT_OUT_STATUS_UNSPECIFIED', undefined])(
      'ignores an opt-out whose status is %s',
      (status) => {
        expect(only(parse(whatsAppOptOut({ status })))).toMatchObject({ type: 'ignored' });
      },
    );

    it('ignores an opt-out that names no identity', () => {
      expect(only(parse(whatsAppOptOut({ identity: undefined })))).toMatchObject({ type: 'ignored' });
    });

    it('keys a notification without request_id on the identity and time', () => {
      const first = dedupKey(whatsAppOptOut({ request_id: undefined }));

      expect(dedupKey(whatsAppOptOut({ request_id: undefined }))).toBe(first);
      expect(
        dedupKey({
          ...(whatsAppOptOut({ request_id: undefined }) as object),
          event_time: '2020-11-18T10:00:00Z',
        }),
      ).not.toBe(first);
    });
  });

  it.each([
    'event',
    'message_submit_notification',
    'contact_create_notification',
    'conversation_start_notification',
    'message_redaction',
    'something_sinch_adds_next_year',
  ])('accepts and ignores a %s callback', (key) => {
    expect(parse({ ...envelope, [key]: { anything: true } })).toEqual([
      { type: 'ignored', reason: expect.any(String) },
    ]);
  });

  describe('malformed bodies', () => {
    it.each<[string, unknown]>([
      ['a string', '{"message":{}}'],
      ['an array', [inbound]],
      ['null', null],
      ['a message that is not an object', { ...envelope, message: 'hello' }],
      ['a message without id', withMessage({ id: undefined })],
      ['a message without channel identity', withMessage({ channel_identity: undefined })],
      [
        'a message whose identity is not text',
        withMessage({ channel_identity: { channel: 'SMS', identity: 46732001122 } }),
      ],
      ['a media message without url', withMessage({ contact_message: { media_message: {} } })],
      ['a report without message_id', withReport({ message_id: undefined })],
      ['a report without status', withReport({ status: undefined })],
      ['a report whose reason is a string', withReport({ reason: 'FAILED' })],
      ['an opt-out notification that is a list', { ...envelope, opt_out_notification: [] }],
    ])('rejects %s', (_name, body) => {
      expect(() => parse(body)).toThrow(WebhookPayloadError);
    });
  });
});
