import { ApiError, isErrorBody } from './errors';

const API_BASE = '/api/v1';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as multipart/form-data (the browser sets the boundary). */
  form?: FormData;
  accessToken?: string;
}

export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

/** One HTTP call to the API; non-2xx answers become ApiError. Knows nothing about sessions. */
export async function send<T>(request: HttpRequest): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.accessToken) headers.Authorization = `Bearer ${request.accessToken}`;
  let body: BodyInit | undefined;
  if (request.form) body = request.form;
  else if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(request.json);
  }

  let response: Response;
  try {
    response = await fetch(apiUrl(request.path, request.query), { method: request.method, headers, body });
  } catch {
    throw new ApiError(0, undefined);
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      isErrorBody(payload) ? payload : undefined,
      retryAfterSeconds(response.headers),
    );
  }
  return payload as T;
}

/** The login throttler names its header after the limit that tripped (`Retry-After-login-email`). */
function retryAfterSeconds(headers: Headers): number | undefined {
  for (const [name, value] of headers) {
    const seconds = Number(value);
    if (name.startsWith('retry-after') && seconds > 0) return Math.ceil(seconds);
  }
  return undefined;
}
