import { maskedConfig, maskSecret, splitSecrets } from './channel-secrets.js';

describe('channel secrets', () => {
  it('separates the secret fields of each provider from the rest', () => {
    const sut = splitSecrets('sinch-conversation', {
      projectId: 'p',
      keyId: 'k',
      keySecret: 'the-key-secret',
      webhookSecret: 'the-webhook-secret',
      region: 'eu',
    });

    expect(sut.plain).toEqual({ projectId: 'p', keyId: 'k', region: 'eu' });
    expect(sut.secrets).toEqual({ keySecret: 'the-key-secret', webhookSecret: 'the-webhook-secret' });
  });

  it('leaves out optional fields set to null, so that null removes an override', () => {
    const sut = splitSecrets('sinch-sms', {
      servicePlanId: 'plan',
      baseUrl: null,
      apiToken: 'the-api-token',
      webhookSecret: null,
    });

    expect(sut.plain).toEqual({ servicePlanId: 'plan' });
    expect(sut.secrets).toEqual({ apiToken: 'the-api-token' });
  });

  it('masks a secret down to its last four characters, and short ones entirely', () => {
    expect(maskSecret('f1e2d3c4b5a6f1e2d3c41a2b')).toBe('••••1a2b');
    expect(maskSecret('short-one')).toBe('••••');
  });

  it('shows masked secrets next to the plain config, and nothing of generated sandbox secrets', () => {
    expect(maskedConfig('plivo', { authId: 'MA123' }, { authToken: 'plivo-auth-token-9f3c' })).toEqual({
      authId: 'MA123',
      authToken: '••••9f3c',
    });
    expect(
      maskedConfig('sandbox', { deliveryDelayMs: 10 }, { webhookSecret: 'generated-secret-value' }),
    ).toEqual({
      deliveryDelayMs: 10,
    });
  });
});
