import { Webhook } from 'standardwebhooks';

import { generateEndpointSecret, maskedSecret, signatureOf } from './webhook-signature.js';

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks library', () => {
    const secret = generateEndpointSecret();
    const body = JSON.stringify({
      type: 'message.status',
      timestamp: '2026-12-01T00:00:00.000Z',
      data: { id: 'x' },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'b1f0a2c4-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureOf(secret, 'b1f0a2c4-5d6e-4f70-8a9b-0c1d2e3f4a5b', timestamp, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fail verification with another secret or a changed body', () => {
    const secret = generateEndpointSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureOf(secret, 'evt', timestamp, '{"a":1}'),
    };
    expect(() => new Webhook(generateEndpointSecret()).verify('{"a":1}', headers)).toThrow();
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
  });

  it('uses whsec_ secrets of 32 random bytes and masks all but their end', () => {
    const secret = generateEndpointSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(maskedSecret(secret)).toBe(`whsec_••••${secret.slice(-4)}`);
  });
});
