import type { RawWebhookRequest, WebhookEvent } from '../channel-provider.interface.js';
import { WebhookPayloadError } from '../provider-errors.js';
import { parsePlivoWebhook } from './plivo-webhook.js';

const now = new Date('2026-01-01T00:00:00Z');

function formRequest(route: RawWebhookRequest['route'], body: unknown): RawWebhookRequest {
  const fields: Array<[string, string]> =
    typeof body === 'object' && body !== null
      ? Object.entries(body).map(([key, value]) => [key, String(value)])
      : [];
  return {
    route,
    rawBody: Buffer.from(new URLSearchParams(fields).toString()),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    publicUrl: `https://switchboard.example/api/v1/webhooks/plivo/channel/${route}`,
    body,
  };
}

function parse(route: RawWebhookRequest['route'], body: unknown): WebhookEvent[] {
  return parsePlivoWebhook(formRequest(route, body), now);
}

function only(events: WebhookEvent[]): WebhookEvent {
  expect(events).toHaveLength(1);
  return events[0];
}

function dedupKey(route: RawWebhookRequest['route'], body: unknown): string {
  const event = only(parse(route, body));
  if (event.type === 'ignored') throw new Error(`expected an event with a dedup key, got ${event.reason}`);
  return event.dedupKey;
}

// wire-formats.md §4, the illustrative inbound form built from Plivo's field list.
const inboundForm = Object.fromEntries(
  new URLSearchParams(
    'From=14155550100&To=14155550199&Text=STOP&Type=sms&MessageUUID=3c6bb3a4-9d3f-11ee-8c90-0242ac120002&Units=1&TotalRate=0&TotalAmount=0&MessageIntent=optout&PowerpackUUID=',
  ),
);

// Fields of Plivo's message status callback (wire-formats.md §5).
const statusForm: Record<string, string> = {
  MessageUUID: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196',
  From: '14155550199',
  To: '14155550100',
  Type: 'sms',
  Status: 'delivered',
  Units: '1',
  TotalRate: '0.0050',
  TotalAmount: '0.0050',
  MCC: '310',
  MNC: '260',
  ErrorCode: '',
  ParentMessageUUID: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196',
  PartInfo: '1 of 1',
  Sequence: '3',
  MessageTime: '2024-03-05 14:07:01.000000',
  QueuedTime: '2024-03-05 14:07:02.000000',
  SentTime: '2024-03-05 14:07:03.000000',
  DeliveryReportTime: '2024-03-05 14:07:09.123456',
  PowerpackUUID: '',
};

describe('parsePlivoWebhook', () => {
  describe('inbound route', () => {
    it('turns the inbound form into a message with E.164 numbers and the opt-out intent', () => {
      expect(parse('inbound', inboundForm)).toEqual([
        {
          type: 'inbound-message',
          dedupKey: 'plivo:mo:3c6bb3a4-9d3f-11ee-8c90-0242ac120002',
          providerMessageId: '3c6bb3a4-9d3f-11ee-8c90-0242ac120002',
          from: '+14155550100',
          to: '+14155550199',
          text: 'STOP',
          media: undefined,
          intent: 'optout',
          receivedAt: now,
        },
      ]);
    });

    it.each([
      ['optin', 'optin'],
      ['help', 'help'],
      ['', undefined],
      ['something-else', undefined],
    ])('reads MessageIntent %j as %s', (intent, expected) => {
      expect(only(parse('inbound', { ...inboundForm, MessageIntent: intent }))).toMatchObject({
        intent: expected,
      });
    });

    it('reads the text of an MMS from Body and its media in order', () => {
      const mms = {
        ...inboundForm,
        Type: 'mms',
        Text: undefined,
        Body: 'see attached',
        MessageIntent: '',
        MediaCount: '3',
        Media2: 'https://media.plivo.example/2.png',
        Media10: 'https://media.plivo.example/10.png',
        Media1: 'https://media.plivo.example/1.png',
      };

      expect(only(parse('inbound', mms))).toMatchObject({
        text: 'see attached',
        media: [
          { url: 'https://media.plivo.example/1.png' },
          { url: 'https://media.plivo.example/2.png' },
          { url: 'https://media.plivo.example/10.png' },
        ],
      });
    });

    it('keeps a short code as it is and accepts numbers that already have the +', () => {
      expect(only(parse('inbound', { ...inboundForm, From: '+14155550100', To: '72345' }))).toMatchObject({
        from: '+14155550100',
        to: '72345',
      });
    });

    it('gives a redelivery the same dedup key and another message another', () => {
      expect(dedupKey('inbound', { ...inboundForm })).toBe(dedupKey('inbound', inboundForm));
      expect(
        dedupKey('inbound', { ...inboundForm, MessageUUID: '4c6bb3a4-9d3f-11ee-8c90-0242ac120002' }),
      ).not.toBe(dedupKey('inbound', inboundForm));
    });
  });

  describe('status route', () => {
    it('turns the status form into a delivery status for the E.164 recipient', () => {
      expect(parse('status', statusForm)).toEqual([
        {
          type: 'delivery-status',
          dedupKey: 'plivo:status:db3ce55a-7f1d-11e1-8ea7-1231380bc196:delivered',
          providerMessageId: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196',
          recipient: '+14155550100',
          status: 'delivered',
          providerStatus: 'delivered',
          errorCode: undefined,
          occurredAt: new Date('2024-03-05T14:07:09.123Z'),
        },
      ]);
    });

    it.each([
      ['queued', 'queued', '2024-03-05T14:07:02.000Z'],
      ['sent', 'sent', '2024-03-05T14:07:03.000Z'],
      ['delivered', 'delivered', '2024-03-05T14:07:09.123Z'],
      ['read', 'read', '2024-03-05T14:07:09.123Z'],
      ['undelivered', 'failed', '2024-03-05T14:07:09.123Z'],
      ['failed', 'failed', '2024-03-05T14:07:09.123Z'],
      ['rejected', 'rejected', '2024-03-05T14:07:09.123Z'],
    ])('reports %s as %s, dated by the matching Plivo time', (providerStatus, status, occurredAt) => {
      expect(only(parse('status', { ...statusForm, Status: providerStatus }))).toMatchObject({
        status,
        providerStatus,
        occurredAt: new Date(occurredAt),
      });
    });

    it('keeps the error code of a failure', () => {
      expect(only(parse('status', { ...statusForm, Status: 'undelivered', ErrorCode: '30' }))).toMatchObject({
        status: 'failed',
        errorCode: '30',
      });
    });

    it('ignores a status word it does not know', () => {
      expect(only(parse('status', { ...statusForm, Status: 'teleported' }))).toMatchObject({
        type: 'ignored',
      });
    });

    it('gives a redelivery (a replay, too) the same dedup key and another status another', () => {
      const delivered = dedupKey('status', statusForm);

      expect(dedupKey('status', { ...statusForm, Sequence: '4' })).toBe(delivered);
      expect(dedupKey('status', { ...statusForm, Status: 'sent' })).not.toBe(delivered);
      expect(
        dedupKey('status', { ...statusForm, MessageUUID: 'eb3ce55a-7f1d-11e1-8ea7-1231380bc196' }),
      ).not.toBe(delivered);
    });
  });

  describe('malformed bodies', () => {
    it.each<[string, RawWebhookRequest['route'], unknown]>([
      ['a string body', 'inbound', 'From=1'],
      ['an inbound form without MessageUUID', 'inbound', { ...inboundForm, MessageUUID: undefined }],
      ['an inbound form without From', 'inbound', { ...inboundForm, From: '' }],
      ['an inbound form without To', 'inbound', { ...inboundForm, To: undefined }],
      ['an inbound form with a repeated field', 'inbound', { ...inboundForm, Text: ['a', 'b'] }],
      ['a status form without MessageUUID', 'status', { ...statusForm, MessageUUID: undefined }],
      ['a status form without Status', 'status', { ...statusForm, Status: '' }],
      ['the Sinch callback route', 'callback', statusForm],
    ])('rejects %s', (_name, route, body) => {
      expect(() => parse(route, body)).toThrow(WebhookPayloadError);
    });
  });
});
