import { validateWebhookSignature } from '@sinch/sdk-client';
import { ConversationCallbackWebhooks } from '@sinch/conversation';
import { SmsCallbackWebhooks } from '@sinch/sms';
import { computeSinchSignature, verifySinchSignature } from './sinch-signature.js';

// Official vectors (wire-formats.md §1 from sinch-sdk-node, §6 from sinch-sdk-python).
const smsVector = {
  secret: 'SMSWebhooksSecret',
  rawBody:
    '{"at":"2025-01-13T09:22:40.914Z","batch_id":"01JHFFHQ0P99JPPNQPJDV7JTBP","client_reference":"a client reference","code":0,"operator_status_at":"2025-01-13T09:22:00Z","recipient":"33662162466","status":"Delivered","type":"recipient_delivery_report_sms"}',
  headers: {
    'x-sinch-webhook-signature': 'ZoHei66PPN/kZjw7hFVfGhJOnml3iGNCMWoyQVcE5o0=',
    'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
    'x-sinch-webhook-signature-nonce': '01JHFFHWYY7HSS4FWTMDTQEK8V',
    'x-sinch-webhook-signature-timestamp': '1736760161',
  },
};

const conversationVector = {
  secret: 'foo_secret1234',
  rawBody:
    '{"app_id":"01EB37HMH1M6SV18BSNS3G135H","accepted_time":"2020-11-17T15:09:11.659Z","project_id":"c36f3d3d-1513-2edd-ae42-11995557ff61","message_delivery_report":{"message_id":"01EQBC1A3BEK731GY4YXEN0C2R","conversation_id":"01EPYATA64TMNZ1FV02JKF12JF","status":"QUEUED_ON_CHANNEL","contact_id":"01EXA07N79THJ20WSN6AS30TMW"}}',
  headers: {
    'x-sinch-webhook-signature': 'Yc+3R1pIS78xLASybulhs8BsSo9BPB3Pr92QCUoczfk=',
    'x-sinch-webhook-signature-nonce': '01FJA8B4A7BM43YGWSG9GBV067',
    'x-sinch-webhook-signature-timestamp': '1634579353',
  },
};

type Vector = typeof conversationVector;

function signedAt(vector: Vector): number {
  return Number(vector.headers['x-sinch-webhook-signature-timestamp']) * 1000;
}

function verify(vector: Vector, nowMs = signedAt(vector)): boolean {
  return verifySinchSignature(vector.secret, Buffer.from(vector.rawBody, 'utf8'), vector.headers, nowMs);
}

describe('computeSinchSignature', () => {
  it.each([
    ['SMS', smsVector],
    ['Conversation', conversationVector],
  ])('reproduces the official %s vector from the raw body, nonce and timestamp', (_name, vector: Vector) => {
    const signature = computeSinchSignature(
      vector.secret,
      Buffer.from(vector.rawBody, 'utf8'),
      vector.headers['x-sinch-webhook-signature-nonce'],
      vector.headers['x-sinch-webhook-signature-timestamp'],
    );

    expect(signature).toBe(vector.headers['x-sinch-webhook-signature']);
  });

  it('signs a string body and its UTF-8 bytes identically', () => {
    const body = '{"text":"Olá 👋"}';

    expect(computeSinchSignature('s', body, 'n', '1')).toBe(
      computeSinchSignature('s', Buffer.from(body, 'utf8'), 'n', '1'),
    );
  });
});

describe('verifySinchSignature', () => {
  it('accepts both official vectors at the time they were signed', () => {
    expect(verify(smsVector)).toBe(true);
    expect(verify(conversationVector)).toBe(true);
  });

  it('rejects a body that differs by one character', () => {
    const tampered = { ...smsVector, rawBody: smsVector.rawBody.replace('Delivered', 'Delivered ') };

    expect(verify(tampered, signedAt(smsVector))).toBe(false);
  });

  it('rejects a re-serialised body even when it holds the same JSON', () => {
    const reformatted = { ...smsVector, rawBody: JSON.stringify(JSON.parse(smsVector.rawBody), null, 1) };

    expect(verify(reformatted, signedAt(smsVector))).toBe(false);
  });

  it('rejects the wrong secret', () => {
    expect(verify({ ...smsVector, secret: 'SMSWebhooksSecreT' })).toBe(false);
  });

  it('rejects a signature moved to another nonce or timestamp', () => {
    const otherNonce = {
      ...smsVector.headers,
      'x-sinch-webhook-signature-nonce': '01JHFFHWYY7HSS4FWTMDTQEK8W',
    };
    const otherTimestamp = { ...smsVector.headers, 'x-sinch-webhook-signature-timestamp': '1736760162' };

    expect(verify({ ...smsVector, headers: otherNonce })).toBe(false);
    expect(verify({ ...smsVector, headers: otherTimestamp })).toBe(false);
  });

  it.each([
    'x-sinch-webhook-signature',
    'x-sinch-webhook-signature-nonce',
    'x-sinch-webhook-signature-timestamp',
  ])('rejects a request without %s', (header) => {
    const headers: Record<string, string | undefined> = {
      ...conversationVector.headers,
      [header]: undefined,
    };

    expect(
      verifySinchSignature(
        conversationVector.secret,
        Buffer.from(conversationVector.rawBody),
        headers,
        signedAt(conversationVector),
      ),
    ).toBe(false);
  });

  it('rejects a timestamp that is not whole unix seconds', () => {
    const headers = { ...conversationVector.headers, 'x-sinch-webhook-signature-timestamp': '1634579353.0' };
    const nonce = headers['x-sinch-webhook-signature-nonce'];
    headers['x-sinch-webhook-signature'] = computeSinchSignature(
      'foo_secret1234',
      conversationVector.rawBody,
      nonce,
      '1634579353.0',
    );

    expect(verify({ ...conversationVector, headers })).toBe(false);
  });

  describe('replay window', () => {
    const fiveMinutes = 5 * 60 * 1000;

    it('accepts a timestamp up to five minutes old or ahead', () => {
      expect(verify(smsVector, signedAt(smsVector) + fiveMinutes)).toBe(true);
      expect(verify(smsVector, signedAt(smsVector) - fiveMinutes)).toBe(true);
    });

    it('rejects a timestamp more than five minutes old (a replay)', () => {
      expect(verify(smsVector, signedAt(smsVector) + fiveMinutes + 1000)).toBe(false);
    });

    it('rejects a timestamp more than five minutes in the future', () => {
      expect(verify(smsVector, signedAt(smsVector) - fiveMinutes - 1000)).toBe(false);
    });

    it('uses the current clock by default', () => {
      const rawBody = Buffer.from('{"message":{}}');
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers = {
        'x-sinch-webhook-signature': computeSinchSignature('secret', rawBody, 'nonce', timestamp),
        'x-sinch-webhook-signature-nonce': 'nonce',
        'x-sinch-webhook-signature-timestamp': timestamp,
      };

      expect(verifySinchSignature('secret', rawBody, headers)).toBe(true);
      expect(verifySinchSignature(smsVector.secret, Buffer.from(smsVector.rawBody), smsVector.headers)).toBe(
        false,
      );
    });
  });

  describe('agrees with the official Sinch SDK (@sinch/sdk-client validateWebhookSignature)', () => {
    const nonAsciiBody = '{"message":{"contact_message":{"text_message":{"text":"Olá 👋 — ça va?"}}}}';
    const nonAscii: Vector = {
      secret: 'päss-wörd',
      rawBody: nonAsciiBody,
      headers: {
        'x-sinch-webhook-signature': computeSinchSignature('päss-wörd', nonAsciiBody, 'n0nce', '1700000000'),
        'x-sinch-webhook-signature-nonce': 'n0nce',
        'x-sinch-webhook-signature-timestamp': '1700000000',
      },
    };
    const cases: Array<[string, Vector, boolean]> = [
      ['the SMS vector', smsVector, true],
      ['the Conversation vector', conversationVector, true],
      ['a non-ASCII body and secret', nonAscii, true],
      [
        'a tampered body',
        { ...smsVector, rawBody: smsVector.rawBody.replace('"code":0', '"code":1') },
        false,
      ],
      ['a wrong secret', { ...conversationVector, secret: 'foo_secret1235' }, false],
      [
        'a signature from the other vector',
        {
          ...smsVector,
          headers: {
            ...smsVector.headers,
            'x-sinch-webhook-signature': conversationVector.headers['x-sinch-webhook-signature'],
          },
        },
        false,
      ],
      [
        'a signature in another case',
        {
          ...smsVector,
          headers: {
            ...smsVector.headers,
            'x-sinch-webhook-signature': smsVector.headers['x-sinch-webhook-signature'].toLowerCase(),
          },
        },
        false,
      ],
    ];

    it.each(cases)('%s', (_name, vector, expected) => {
      const sdkSays = validateWebhookSignature(vector.secret, vector.headers, vector.rawBody);

      expect(sdkSays).toBe(expected);
      expect(verify(vector)).toBe(sdkSays);
    });

    it('including the per-product validators of @sinch/sms and @sinch/conversation', () => {
      const sms = new SmsCallbackWebhooks(smsVector.secret);
      const conversation = new ConversationCallbackWebhooks(conversationVector.secret);

      expect(sms.validateAuthenticationHeader(smsVector.headers, smsVector.rawBody, '/', 'POST')).toBe(true);
      expect(
        conversation.validateAuthenticationHeader(
          conversationVector.headers,
          conversationVector.rawBody,
          '/',
          'POST',
        ),
      ).toBe(true);
      expect(sms.validateAuthenticationHeader(smsVector.headers, `${smsVector.rawBody} `, '/', 'POST')).toBe(
        false,
      );
      expect(verify({ ...smsVector, rawBody: `${smsVector.rawBody} ` })).toBe(false);
    });
  });
});
