import { Writable } from 'node:stream';

import pino from 'pino';

import { REDACTED_PATHS, requestLogLevel, sanitizeUrl } from './logger-options.js';

describe('log redaction', () => {
  const capture = () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { logger: pino({ redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } }, stream), lines };
  };

  it('removes passwords, tokens and provider secrets at any depth', () => {
    const { logger, lines } = capture();

    logger.info({
      password: 'hunter2-password',
      body: {
        refreshToken: 'refresh-token-value',
        config: { apiToken: 'sinch-api-token', keySecret: 'key-secret-value' },
      },
      channel: { config: { authToken: 'plivo-auth-token', webhookSecret: 'webhook-secret-value' } },
      req: { headers: { authorization: 'Bearer eyJhbGciOi' } },
    });

    const line = lines.join('');
    for (const secret of [
      'hunter2-password',
      'refresh-token-value',
      'sinch-api-token',
      'key-secret-value',
      'plivo-auth-token',
      'webhook-secret-value',
      'eyJhbGciOi',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('[REDACTED]');
  });

  it('masks search terms and phone numbers in query strings', () => {
    expect(sanitizeUrl('/api/v1/contacts?search=%2B14155550100&limit=5')).toBe(
      '/api/v1/contacts?search=%5BREDACTED%5D&limit=5',
    );
    expect(sanitizeUrl('/api/v1/x?number=14155550100')).toBe('/api/v1/x?number=14***00');
  });

  it('masks phone numbers written into the path, but never an id', () => {
    expect(sanitizeUrl('/api/v1/contacts/%2B14155550100')).toBe('/api/v1/contacts/%2B14***00');
    expect(sanitizeUrl('/api/v1/messages/14155550100/x?limit=5')).toBe('/api/v1/messages/14***00/x?limit=5');
    expect(sanitizeUrl('/api/v1/contacts/5c1d1e8e-2f57-4f1c-9a43-123456789012')).toBe(
      '/api/v1/contacts/5c1d1e8e-2f57-4f1c-9a43-123456789012',
    );
  });

  it('masks the token in Sinch SMS webhook URLs and credential query parameters', () => {
    expect(sanitizeUrl('/api/v1/webhooks/sinch-sms/4b1c/s3cr3t-token')).toBe(
      '/api/v1/webhooks/sinch-sms/4b1c/[REDACTED]',
    );
    expect(sanitizeUrl('/api/v1/conversations/stream?access_token=eyJ&x=1')).toBe(
      '/api/v1/conversations/stream?access_token=%5BREDACTED%5D&x=1',
    );
  });
});

describe('request log level', () => {
  it('logs accepted provider callbacks at debug, every other success at info', () => {
    expect(requestLogLevel('/api/v1/webhooks/plivo/2b1f0c3e-0000-4000-8000-000000000000/status', 200)).toBe(
      'debug',
    );
    expect(requestLogLevel('/api/v1/messages', 202)).toBe('info');
  });

  it('logs refused callbacks and failures like any other request', () => {
    expect(requestLogLevel('/api/v1/webhooks/plivo/x/status', 401)).toBe('warn');
    expect(requestLogLevel('/api/v1/webhooks/plivo/x/status', 503)).toBe('error');
    expect(requestLogLevel('/api/v1/contacts', 200, new Error('aborted'))).toBe('error');
  });
});
