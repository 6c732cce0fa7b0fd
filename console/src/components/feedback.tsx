import { ApiError, messageOf } from '../api/errors';

/** A failure, announced to screen readers as it appears. */
export function ErrorAlert({ error, context }: { error: unknown; context?: string }) {
  if (error === undefined || error === null) return null;
  const fields = error instanceof ApiError ? error.fieldMessages : [];
  // The request id helps an administrator find a server failure in the logs; for a refusal the message says it all.
  const requestId = error instanceof ApiError && error.status >= 500 ? error.requestId : undefined;
  return (
    <div class="alert alert-error" role="alert">
      <p>
        {context ? <strong>{context}: </strong> : null}
        {messageOf(error)}
      </p>
      {fields.length > 1 ? (
        <ul>
          {fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      ) : null}
      {requestId ? <p class="muted small">Request id {requestId}</p> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}
