import { ProviderCredentialsError, ProviderRequestError, ProviderTransientError } from './provider-errors.js';
import { SendFailurePolicy, type SendFailurePolicyOptions } from './send-failure-policy.js';

const options: SendFailurePolicyOptions = {
  maxAttempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 3_000,
  canReconcile: true,
};
const sut = (overrides: Partial<SendFailurePolicyOptions> = {}, random = () => 0.5) =>
  new SendFailurePolicy({ ...options, ...overrides }, random);

const timeout = (message = 'timed out') => new ProviderTransientError(message, undefined, undefined, true);
const unavailable = (retryAfterMs?: number) => new ProviderTransientError('HTTP 503', retryAfterMs, 503);

describe('SendFailurePolicy', () => {
  it('refuses the channel when the provider rejects its credentials, whatever the attempt', () => {
    const error = new ProviderCredentialsError('unauthorised', 401);

    expect(sut().decide(error, 1)).toEqual({
      action: 'refused',
      reason: "The provider rejected the channel's credentials (HTTP 401)",
      errorCode: '401',
      error,
    });
  });

  it("takes the provider's refusal of the request as final, with its error code", () => {
    expect(sut().decide(new ProviderRequestError('invalid number', 400, 'syntax_invalid'), 1)).toEqual({
      action: 'final',
      status: 'rejected',
      reason: 'invalid number',
      errorCode: 'syntax_invalid',
    });
  });

  it('retries a retryable failure with a jittered exponential backoff, capped, until the attempts run out', () => {
    expect(sut({}, () => 0.5).decide(unavailable(), 1)).toMatchObject({ action: 'retry', delayMs: 500 });
    expect(sut({}, () => 0.5).decide(unavailable(), 2)).toMatchObject({ action: 'retry', delayMs: 1_000 });
    expect(sut({ maxAttempts: 9 }, () => 0.999).decide(unavailable(), 8)).toMatchObject({ delayMs: 2_997 });
    expect(sut().decide(unavailable(), 3)).toEqual({
      action: 'final',
      status: 'failed',
      reason: 'Provider unavailable after 3 attempts: HTTP 503',
    });
  });

  it("honours the provider's Retry-After over the backoff", () => {
    expect(sut().decide(unavailable(42_000), 1)).toEqual({
      action: 'retry',
      delayMs: 42_000,
      reason: 'Retrying: HTTP 503',
    });
  });

  it('checks with the provider when a send may have arrived, and says so when the last one might have', () => {
    expect(sut().decide(timeout(), 1)).toEqual({
      action: 'reconcile',
      reason: 'Checking with the provider: timed out',
    });
    expect(sut().decide(timeout(), 3)).toMatchObject({
      action: 'final',
      reason:
        'Provider unavailable after 3 attempts (whether the last attempt arrived is unknown): timed out',
    });
  });

  it('fails a send that may have arrived as interrupted when it cannot be checked, never retrying it', () => {
    expect(sut({ canReconcile: false }).decide(timeout('socket hang up'), 1)).toEqual({
      action: 'final',
      status: 'failed',
      reason: 'interrupted: the provider did not answer and may or may not have sent it (socket hang up)',
    });
  });

  it('treats anything that is not a provider error as an unexpected internal failure', () => {
    expect(sut().decide(new TypeError('x is undefined'), 1)).toEqual({
      action: 'final',
      status: 'failed',
      reason: 'Internal error while sending',
      unexpected: true,
    });
  });
});
