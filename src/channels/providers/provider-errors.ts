/** A failure worth retrying later: network error, timeout, 429 or 5xx, after the bounded retries. */
export class ProviderTransientError extends Error {
  override readonly name = 'ProviderTransientError';

  constructor(
    message: string,
    /** From the provider's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
    readonly httpStatus?: number,
    /**
     * The last attempt may have reached the provider and taken effect (it timed out, or the
     * connection dropped after the request went out): sending again risks a duplicate.
     */
    readonly ambiguous = false,
  ) {
    super(message);
  }
}

/** The provider rejected the channel's credentials (401/403): every send through it will fail. */
export class ProviderCredentialsError extends Error {
  override readonly name = 'ProviderCredentialsError';

  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

/** A final (non-retryable) rejection of a whole request, with the provider's own error. */
export class ProviderRequestError extends Error {
  override readonly name = 'ProviderRequestError';

  constructor(
    message: string,
    readonly httpStatus: number,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

/** A webhook body that does not have the provider's shape: answered with 400. */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';
}
