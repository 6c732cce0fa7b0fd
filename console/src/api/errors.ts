import type { ErrorBody } from './models';

/** A failed API call, with the contract's error body when the server sent one. */
export class ApiError extends Error {
  constructor(
    /** 0 when the server could not be reached at all. */
    readonly status: number,
    readonly body: ErrorBody | undefined,
    /** Seconds from a Retry-After header, when the server sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(readableMessage(status, body, retryAfterSeconds));
    this.name = 'ApiError';
  }

  get requestId(): string | undefined {
    return this.body?.requestId;
  }

  /** Per-field validation messages, as "field: message". */
  get fieldMessages(): string[] {
    return (this.body?.details ?? []).flatMap((detail) =>
      detail.messages.map((message) => `${detail.field}: ${message}`),
    );
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.statusCode === 'number' && typeof body.message === 'string';
}

/** What a person should read for a failure: the server's own message, with a hint where it helps. */
function readableMessage(status: number, body: ErrorBody | undefined, retryAfterSeconds?: number): string {
  if (status === 0) return 'Cannot reach Switchboard. Check your connection and try again.';
  if (status === 429) {
    return retryAfterSeconds
      ? `Too many attempts. Try again in ${retryAfterSeconds} s.`
      : `${body?.message ?? 'Too many attempts'}. Wait a minute and try again.`;
  }
  if (status >= 500) {
    return body?.message && status === 503
      ? body.message
      : 'Switchboard ran into a problem. Try again; if it persists, give the request id to your administrator.';
  }
  if (body?.message) return body.message;
  return `The request failed (HTTP ${status}).`;
}

/** The message for anything thrown by an API call or by the console itself. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
