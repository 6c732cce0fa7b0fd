import { webhookUrlsFor } from './webhook-urls.js';

describe('webhookUrlsFor', () => {
  const base = 'https://switchboard.example.com';
  const channel = { id: '0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d', webhookToken: 'tok' };

  it('puts the unguessable token in the Sinch SMS callback URL', () => {
    expect(webhookUrlsFor(base, { ...channel, provider: 'sinch-sms' })).toEqual({
      callback: `${base}/api/v1/webhooks/sinch-sms/${channel.id}/tok`,
    });
  });

  it('gives Plivo separate inbound and status URLs', () => {
    expect(webhookUrlsFor(base, { ...channel, provider: 'plivo' })).toEqual({
      inbound: `${base}/api/v1/webhooks/plivo/${channel.id}/inbound`,
      status: `${base}/api/v1/webhooks/plivo/${channel.id}/status`,
    });
  });

  it('gives Conversation and the sandbox one callback URL without a token', () => {
    expect(webhookUrlsFor(base, { ...channel, provider: 'sinch-conversation' }).callback).toBe(
      `${base}/api/v1/webhooks/sinch-conversation/${channel.id}`,
    );
    expect(webhookUrlsFor(base, { ...channel, provider: 'sandbox' }).callback).toBe(
      `${base}/api/v1/webhooks/sandbox/${channel.id}`,
    );
  });
});
