import { backoffDelayMs, type BackoffSchedule } from '../../common/retry/backoff.js';
import { ProviderCredentialsError, ProviderRequestError, ProviderTransientError } from './provider-errors.js';

export interface SendFailurePolicyOptions extends BackoffSchedule {
  /** Provider attempts in total, the first one included, before a retryable failure is final. */
  maxAttempts: number;
  /**
   * Whether a send that may have arrived can be checked with the provider afterwards (campaign units
   * carry a client reference made for it); otherwise it fails as interrupted rather than risk a
   * second text to the customer.
   */
  canReconcile: boolean;
}

/** What becomes of a send whose provider request failed. */
export type SendFailureDecision =
  /** Try again after `delayMs`. */
  | { action: 'retry'; delayMs: number; reason: string }
  /** It may have been sent: ask the provider before anything else. */
  | { action: 'reconcile'; reason: string }
  /** The provider refuses the channel's credentials: nothing sent through it can succeed. */
  | { action: 'refused'; reason: string; errorCode: string; error: ProviderCredentialsError }
  /** Final. `unexpected`: not a provider's answer but a bug, to be logged. */
  | {
      action: 'final';
      status: 'failed' | 'rejected';
      reason: string;
      errorCode?: string;
      unexpected?: boolean;
    };

/**
 * The one ladder from a provider error to what a sender does about it, shared by campaign units and
 * single messages: refused credentials, the provider's final word (rejected), a failure that may have
 * been sent (reconcile or interrupted), a retryable one (backoff with jitter, Retry-After honoured)
 * until the attempts run out, and anything else as an internal error.
 */
export class SendFailurePolicy {
  constructor(
    private readonly options: SendFailurePolicyOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** `attempts`: provider attempts made so far, this one included. */
  decide(error: unknown, attempts: number): SendFailureDecision {
    if (error instanceof ProviderCredentialsError) {
      return {
        action: 'refused',
        reason: `The provider rejected the channel's credentials (HTTP ${error.httpStatus})`,
        errorCode: String(error.httpStatus),
        error,
      };
    }
    if (error instanceof ProviderRequestError)
      return { action: 'final', status: 'rejected', reason: error.message, errorCode: error.errorCode };
    if (!(error instanceof ProviderTransientError))
      return { action: 'final', status: 'failed', reason: 'Internal error while sending', unexpected: true };

    const more = attempts < this.options.maxAttempts;
    if (error.ambiguous && !this.options.canReconcile) {
      return {
        action: 'final',
        status: 'failed',
        reason: `interrupted: the provider did not answer and may or may not have sent it (${error.message})`,
      };
    }
    if (error.ambiguous && more)
      return { action: 'reconcile', reason: `Checking with the provider: ${error.message}` };
    if (more) {
      const delayMs = error.retryAfterMs ?? backoffDelayMs(this.options, attempts, this.random);
      return { action: 'retry', delayMs, reason: `Retrying: ${error.message}` };
    }
    const unknown = error.ambiguous ? ' (whether the last attempt arrived is unknown)' : '';
    return {
      action: 'final',
      status: 'failed',
      reason: `Provider unavailable after ${attempts} attempts${unknown}: ${error.message}`,
    };
  }
}
