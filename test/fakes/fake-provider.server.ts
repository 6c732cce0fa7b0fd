import { randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** JSON or form fields according to the content type; the raw text otherwise; undefined when empty. */
  body: unknown;
  /** Date.now() when the request had been read completely. */
  receivedAt: number;
}

export interface FakeResponse {
  status: number;
  /** Objects are sent as JSON, strings as text/plain. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the next requests suffer instead of (or before) normal handling. */
export type Fault =
  | { kind: 'respond'; response: FakeResponse }
  | { kind: 'delay'; ms: number }
  /** Handled at once, but the answer leaves only after `ms`: the provider acted on a request whose client may have timed out. */
  | { kind: 'lateResponse'; ms: number }
  | { kind: 'hang' };

/** Decides a request's fault (undefined: normal handling) once the queued faults are used up. */
export type FaultPolicy = (request: RecordedRequest) => Fault | undefined;

/**
 * A provider stand-in on 127.0.0.1: records every request, lets a test inject faults for the next
 * N requests, and leaves the provider's routes, auth and response bodies to the subclass.
 */
export abstract class FakeProviderServer {
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted since start or reset: keep-alive shows as fewer connections than requests. */
  connectionsAccepted = 0;
  openConnections = 0;
  private readonly server: Server;
  private faults: Fault[] = [];
  private faultPolicy?: FaultPolicy;
  private origin?: string;

  constructor() {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on('connection', (socket) => {
      this.connectionsAccepted++;
      this.openConnections++;
      socket.on('close', () => this.openConnections--);
    });
  }

  /** scheme://127.0.0.1:port, once started. */
  get url(): string {
    if (!this.origin) throw new Error(`${this.constructor.name} is not started`);
    return this.origin;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forgets recorded requests, pending faults and the subclass's state. */
  reset(): void {
    this.requests.length = 0;
    this.connectionsAccepted = 0;
    this.faults = [];
    this.faultPolicy = undefined;
    this.resetState();
  }

  /** The next `count` requests get `fault`, after any faults already queued. */
  injectFault(count: number, fault: Fault): this {
    for (let i = 0; i < count; i++) this.faults.push(fault);
    return this;
  }

  failWithStatus(count: number, status = 500, body: unknown = { error: 'fake internal error' }): this {
    return this.injectFault(count, { kind: 'respond', response: { status, body } });
  }

  /** 429 with `Retry-After` (delta-seconds or an HTTP-date, as given). */
  rateLimit(count: number, retryAfter: string): this {
    return this.injectFault(count, {
      kind: 'respond',
      response: { status: 429, headers: { 'retry-after': retryAfter }, body: this.rateLimitBody() },
    });
  }

  /** An explicit error status and body, e.g. the provider's own 4xx shape. */
  respondWith(count: number, response: FakeResponse): this {
    return this.injectFault(count, { kind: 'respond', response });
  }

  /** Handles the request normally, but only after `ms`. */
  delay(count: number, ms: number): this {
    return this.injectFault(count, { kind: 'delay', ms });
  }

  /** Handles the request at once but answers only after `ms`. */
  respondLate(count: number, ms: number): this {
    return this.injectFault(count, { kind: 'lateResponse', ms });
  }

  /** Never answers; the connection is dropped by stop(). */
  hang(count: number): this {
    return this.injectFault(count, { kind: 'hang' });
  }

  /** Faults chosen per request (e.g. a seeded random share of them), after the queued ones; undefined removes it. */
  setFaultPolicy(policy: FaultPolicy | undefined): this {
    this.faultPolicy = policy;
    return this;
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  protected abstract handle(request: RecordedRequest): FakeResponse;

  protected resetState(): void {}

  protected rateLimitBody(): unknown {
    return { error: 'too many requests' };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let recorded: RecordedRequest;
    try {
      recorded = await record(req);
    } catch {
      // The client went away mid-request (e.g. a killed process): nothing arrived, nothing to answer.
      return;
    }
    this.requests.push(recorded);
    const fault = this.faults.shift() ?? this.faultPolicy?.(recorded);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'respond') return send(res, fault.response);
    if (fault?.kind === 'delay') await pause(fault.ms);
    let response: FakeResponse;
    try {
      response = this.handle(recorded);
    } catch (error) {
      response = { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    if (fault?.kind === 'lateResponse') await pause(fault.ms);
    send(res, response);
  }
}

/** A wait that does not keep the process alive once the fake is stopped and the test is over. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://fake');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    rawBody,
    body: parseBody(rawBody, req.headers['content-type']),
    receivedAt: Date.now(),
  };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (contentType?.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

function send(res: ServerResponse, response: FakeResponse): void {
  if (res.destroyed) return;
  const isText = typeof response.body === 'string';
  const payload =
    response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...(payload ? { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json' } : {}),
    ...response.headers,
  });
  res.end(payload);
}

/** `Basic` credentials from an Authorization header, or undefined. */
export function basicCredentials(
  headers: IncomingHttpHeaders,
): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/i.exec(headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (Sinch's id format): 48-bit time then 80 random bits, Crockford base32. */
export function fakeUlid(now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
  return time + random;
}

/** A version-1-looking UUID, as Plivo's message_uuid and api_id are. */
export function fakeTimeUuid(): string {
  const uuid = randomUUID();
  return `${uuid.slice(0, 14)}1${uuid.slice(15)}`;
}
