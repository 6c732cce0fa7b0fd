/** A plain HTTP client for servers running as child processes: every exchange is kept whole. */

export interface Exchange {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  startedAt: number;
  endedAt: number;
}

export interface RequestOptions {
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as given, with whatever content type `headers` names (none by default). */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** An access token for `Authorization: Bearer`. */
  token?: string;
  timeoutMs?: number;
}

export type ExchangeListener = (exchange: Exchange) => void;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export class HttpClient {
  private readonly listeners: ExchangeListener[] = [];

  constructor(readonly baseUrl: string) {}

  /** Called with every exchange, e.g. to keep every response body of a run. */
  onExchange(listener: ExchangeListener): this {
    this.listeners.push(listener);
    return this;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const startedAt = Date.now();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    const exchange: Exchange = {
      method,
      path,
      status: response.status,
      headers: response.headers,
      text,
      json: parseJson(text),
      startedAt,
      endedAt: Date.now(),
    };
    for (const listener of this.listeners) listener(exchange);
    return exchange;
  }

  get(path: string, options?: RequestOptions): Promise<Exchange> {
    return this.request('GET', path, options);
  }

  post(path: string, options?: RequestOptions): Promise<Exchange> {
    return this.request('POST', path, options);
  }

  patch(path: string, options?: RequestOptions): Promise<Exchange> {
    return this.request('PATCH', path, options);
  }

  delete(path: string, options?: RequestOptions): Promise<Exchange> {
    return this.request('DELETE', path, options);
  }
}

/** The exchange's JSON body, or an error naming what came back instead of `status`. */
export function expectStatus<T = Record<string, unknown>>(exchange: Exchange, status: number): T {
  if (exchange.status !== status) {
    throw new Error(
      `${exchange.method} ${exchange.path}: expected ${status}, got ${exchange.status}: ${exchange.text.slice(0, 500)}`,
    );
  }
  return exchange.json as T;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export async function login(client: HttpClient, email: string, password: string): Promise<TokenPair> {
  return expectStatus<TokenPair>(await client.post('/api/v1/auth/login', { json: { email, password } }), 200);
}
