import { expect } from '@jest/globals';
import type { RawWebhookRequest, WebhookEvent } from '../channel-provider.interface.js';
import { WebhookPayloadError } from '../provider-errors.js';
import { parseSinchSmsWebhook } from './sinch-sms-webhook.js';

const now = new Date('2026-01-01T00:00:00Z');

function callback(body: unknown): RawWebhookRequest {
  return {
    route: 'callback',
    rawBody: Buffer.from(JSON.stringify(body)),
    headers: { 'content-type': 'application/json' },
    publicUrl: 'https://switchboard.example/api/v1/webhooks/sinch-sms/channel/token',
    body,
  };
}

function parse(body: unknown): WebhookEvent[] {
  return parseSinchSmsWebhook(callback(body), now);
}

function only(events: WebhookEvent[]): WebhookEvent {
  expect(events).toHaveLength(1);
  return events[0];
}

// wire-formats.md §1 (sinch-sdk-node fixture).
const recipientReport = {
  at: '2025-01-13T09:22:40.914Z',
  batch_id: '01JHFFHQ0P99JPPNQPJDV7JTBP',
  client_reference: 'a client reference',
  code: 0,
  operator_status_at: '2025-01-13T09:22:00Z',
  recipient: '33662162466',
  status: 'Delivered',
  type: 'recipient_delivery_report_sms',
};

// wire-formats.md §2 (sinch-sdk-java fixture).
const batchReport = {
  type: 'delivery_report_sms',
  batch_id: '01FC66621XXXXX119Z8PMV1QPQ',
  statuses: [{ code: 0, count: 1, recipients: ['44231235674'], status: 'Delivered' }],
  total_message_count: 1,
  client_reference: 'a client reference',
};

// wire-formats.md §3 (sinch-sdk-java fixture).
const moText = {
  body: 'a body',
  client_reference: 'a client reference',
  from: '+11203494390',
  id: '01FC66621XXXXX119Z8PMV1QPA',
  operator_id: '35000',
  received_at: '2019-08-24T14:17:22Z',
  sent_at: '2019-08-24T14:15:22Z',
  to: '11203453453',
  type: 'mo_text',
};

describe('parseSinchSmsWebhook', () => {
  describe('recipient delivery reports', () => {
    it('turns the SDK fixture into one delivery status for the recipient, with the + added', () => {
      expect(parse(recipientReport)).toEqual([
        {
          type: 'delivery-status',
          dedupKey: 'sinch-sms:dr:01JHFFHQ0P99JPPNQPJDV7JTBP:+33662162466:Delivered:0',
          providerBatchId: '01JHFFHQ0P99JPPNQPJDV7JTBP',
          clientReference: 'a client reference',
          recipient: '+33662162466',
          status: 'delivered',
          providerStatus: 'Delivered',
          statusReason: undefined,
          errorCode: '0',
          occurredAt: new Date('2025-01-13T09:22:40.914Z'),
        },
      ]);
    });

    it('reads MMS reports the same way', () => {
      const event = only(
        parse({ ...recipientReport, type: 'recipient_delivery_report_mms', status: 'Failed', code: 402 }),
      );

      expect(event).toMatchObject({
        type: 'delivery-status',
        status: 'failed',
        errorCode: '402',
        statusReason: 'Message failed to be delivered',
      });
    });

    it.each([
      ['Queued', 'queued'],
      ['Dispatched', 'sent'],
      ['Unknown', 'sent'],
      ['Delivered', 'delivered'],
      ['Aborted', 'failed'],
      ['Cancelled', 'failed'],
      ['Deleted', 'failed'],
      ['Failed', 'failed'],
      ['Expired', 'failed'],
      ['Rejected', 'rejected'],
    ])('reports %s as %s and keeps the provider word', (providerStatus, status) => {
      expect(only(parse({ ...recipientReport, status: providerStatus }))).toMatchObject({
        status,
        providerStatus,
      });
    });

    it('ignores a status word Sinch has not documented instead of guessing', () => {
      expect(only(parse({ ...recipientReport, status: 'Teleported' }))).toMatchObject({ type: 'ignored' });
    });

    it('gives a second delivery of the same report the same dedup key, with or without the +', () => {
      const first = only(parse(recipientReport));
      const again = only(
        parse({ ...recipientReport, recipient: '+33662162466', at: '2025-01-13T09:30:00Z' }),
      );

      expect(again).toMatchObject({ dedupKey: (first as { dedupKey: string }).dedupKey });
    });

    it('gives a different status, code, recipient or batch a different dedup key', () => {
      const keys = [
        recipientReport,
        { ...recipientReport, status: 'Dispatched', code: 401 },
        { ...recipientReport, status: 'Failed', code: 402 },
        { ...recipientReport, status: 'Failed', code: 404 },
        { ...recipientReport, recipient: '33662162467' },
        { ...recipientReport, batch_id: '01JHFFHQ0P99JPPNQPJDV7JTBQ' },
      ].map((body) => (only(parse(body)) as { dedupKey: string }).dedupKey);

      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  describe('batch delivery reports', () => {
    it('turns the SDK fixture into a delivery status for its recipient', () => {
      expect(parse(batchReport)).toEqual([
        {
          type: 'delivery-status',
          dedupKey: 'sinch-sms:dr:01FC66621XXXXX119Z8PMV1QPQ:+44231235674:Delivered:0',
          providerBatchId: '01FC66621XXXXX119Z8PMV1QPQ',
          clientReference: 'a client reference',
          recipient: '+44231235674',
          status: 'delivered',
          providerStatus: 'Delivered',
          statusReason: undefined,
          errorCode: '0',
          occurredAt: undefined,
        },
      ]);
    });

    it('gives one event per recipient of every status', () => {
      const events = parse({
        ...batchReport,
        type: 'delivery_report_mms',
        statuses: [
          { code: 0, count: 2, recipients: ['44231235674', '+44231235675'], status: 'Delivered' },
          { code: 402, count: 1, recipients: ['44231235676'], status: 'Failed' },
        ],
      });

      expect(
        events.map((event) => event.type === 'delivery-status' && [event.recipient, event.status]),
      ).toEqual([
        ['+44231235674', 'delivered'],
        ['+44231235675', 'delivered'],
        ['+44231235676', 'failed'],
      ]);
    });

    it('collides with the per-recipient report of the same fact', () => {
      const fromBatch = only(parse(batchReport));
      const fromRecipient = only(
        parse({ ...recipientReport, batch_id: batchReport.batch_id, recipient: '44231235674' }),
      );

      expect(fromBatch).toMatchObject({ dedupKey: (fromRecipient as { dedupKey: string }).dedupKey });
    });

    it('ignores a summary report, which names no recipients', () => {
      const summary = { ...batchReport, statuses: [{ code: 0, count: 1, status: 'Delivered' }] };

      expect(only(parse(summary))).toMatchObject({ type: 'ignored' });
    });
  });

  describe('inbound messages', () => {
    it('turns the SDK mo_text fixture into an inbound message with E.164 numbers', () => {
      expect(parse(moText)).toEqual([
        {
          type: 'inbound-message',
          dedupKey: 'sinch-sms:mo:01FC66621XXXXX119Z8PMV1QPA',
          providerMessageId: '01FC66621XXXXX119Z8PMV1QPA',
          from: '+11203494390',
          to: '+11203453453',
          text: 'a body',
          media: undefined,
          receivedAt: new Date('2019-08-24T14:17:22Z'),
        },
      ]);
    });

    it('reads the Node SDK variant, whose numbers lack the +', () => {
      const event = only(
        parse({
          id: '01XXXXX21XXXXX119Z8P1XXXXX',
          type: 'mo_text',
          from: '16051234567',
          to: '13185551234',
          body: 'This is the SMS body',
          received_at: '2019-08-24T14:17:22Z',
        }),
      );

      expect(event).toMatchObject({ from: '+16051234567', to: '+13185551234', text: 'This is the SMS body' });
    });

    it('keeps a short code as it is', () => {
      expect(only(parse({ ...moText, to: '12345' }))).toMatchObject({ to: '12345' });
    });

    it('dates a message without received_at when it reached us', () => {
      const { received_at: _omitted, ...undated } = moText;

      expect(only(parse(undated))).toMatchObject({ receivedAt: now });
    });

    it('gives the same message the same dedup key and another message another', () => {
      const first = only(parse(moText)) as { dedupKey: string };

      expect(only(parse({ ...moText }))).toMatchObject({ dedupKey: first.dedupKey });
      expect(only(parse({ ...moText, id: '01FC66621XXXXX119Z8PMV1QPB' }))).not.toMatchObject({
        dedupKey: first.dedupKey,
      });
    });

    it('reads mo_binary as a message without text', () => {
      const binary = { ...moText, type: 'mo_binary', body: 'AAECAw==', udh: '050003010201' };

      expect(only(parse(binary))).toMatchObject({
        type: 'inbound-message',
        providerMessageId: moText.id,
        text: undefined,
      });
    });

    it('reads mo_media with its text and the uploaded media', () => {
      const media = {
        ...moText,
        type: 'mo_media',
        body: {
          subject: 'Photo',
          message: 'Look at this',
          media: [
            {
              url: 'https://media.sinch.example/1.jpg',
              content_type: 'image/jpeg',
              status: 'Uploaded',
              code: 0,
            },
            { content_type: 'video/mp4', status: 'Failed', code: 1 },
          ],
        },
      };

      expect(only(parse(media))).toMatchObject({
        type: 'inbound-message',
        text: 'Look at this',
        media: [{ url: 'https://media.sinch.example/1.jpg' }],
      });
    });
  });

  it('ignores a callback type it does not know', () => {
    expect(parse({ type: 'something_new', id: 'x' })).toEqual([
      { type: 'ignored', reason: expect.stringContaining('something_new') },
    ]);
  });

  describe('malformed bodies', () => {
    it.each<[string, unknown]>([
      ['a string', 'not json'],
      ['an array', [recipientReport]],
      ['null', null],
      ['no type', { ...recipientReport, type: undefined }],
      ['a numeric type', { ...recipientReport, type: 7 }],
      ['a report without batch_id', { ...recipientReport, batch_id: undefined }],
      ['a report without recipient', { ...recipientReport, recipient: undefined }],
      ['a report without status', { ...recipientReport, status: undefined }],
      ['a report with an object code', { ...recipientReport, code: { value: 0 } }],
      ['a batch report without statuses', { ...batchReport, statuses: undefined }],
      ['a batch report with statuses that is not a list', { ...batchReport, statuses: {} }],
      [
        'a batch report with a numeric recipient',
        { ...batchReport, statuses: [{ code: 0, status: 'Delivered', recipients: [44231235674] }] },
      ],
      ['an inbound message without id', { ...moText, id: undefined }],
      ['an inbound message without from', { ...moText, from: '' }],
      ['an inbound message without to', { ...moText, to: undefined }],
      ['an inbound message whose body is not text', { ...moText, body: 42 }],
    ])('rejects %s', (_name, body) => {
      expect(() => parse(body)).toThrow(WebhookPayloadError);
    });
  });
});
