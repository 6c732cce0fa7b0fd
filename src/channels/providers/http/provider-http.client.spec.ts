import { Logger } from '@nestjs/common';
import { createServer } from 'node:net';
import {
  type FakeResponse,
  FakeProviderServer,
  type RecordedRequest,
} from '../../../../test/fakes/fake-provider.server.js';
import { ProviderTransientError } from '../provider-errors.js';
import { ProviderHttpClient, type ProviderHttpOptions } from './provider-http.client.js';

/** Answers every request with 200 and what it received; faults come from the base class. */
class EchoServer extends FakeProviderServer {
  protected handle(request: RecordedRequest): FakeResponse {
    if (request.path === '/text') return { status: 200, body: 'plain words', headers: { 'x-extra': 'yes' } };
    return {
      status: 200,
      body: { method: request.method, path: request.path, query: request.query, body: request.body },
    };
  }
}

describe('ProviderHttpClient', () => {
  const server = new EchoServer();
  let sleeps: number[];
  let client: ProviderHttpClient;

  const makeClient = (options: ProviderHttpOptions = {}): ProviderHttpClient =>
    new ProviderHttpClient({
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      timeoutMs: 2_000,
      ...options,
    });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    sleeps = [];
    client = makeClient();
  });
  afterEach(() => client.onModuleDestroy());

  it('sends JSON and returns status, lower-case headers and the parsed body', async () => {
    const response = await client.request({
      method: 'POST',
      url: `${server.url}/things?x=1`,
      json: { a: 1 },
    });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toEqual({ method: 'POST', path: '/things', query: { x: '1' }, body: { a: 1 } });
    expect(server.requests[0].headers['content-type']).toBe('application/json');
  });

  it('sends forms url-encoded and returns non-JSON bodies as text', async () => {
    await client.request({
      method: 'POST',
      url: `${server.url}/form`,
      form: { grant_type: 'client_credentials' },
    });
    const text = await client.request({ method: 'GET', url: `${server.url}/text` });

    expect(server.requests[0].rawBody).toBe('grant_type=client_credentials');
    expect(text.body).toBe('plain words');
    expect(text.headers['x-extra']).toBe('yes');
  });

  describe('requests that may have arrived', () => {
    it('flags a timeout as ambiguous and a refused connection as not', async () => {
      client = makeClient({ timeoutMs: 100, retry: { maxAttempts: 1 } });
      server.hang(1);
      const timedOut = await client
        .request({ method: 'POST', url: `${server.url}/x` })
        .catch((error: unknown) => error);

      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as { port: number };
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const refused = await client
        .request({ method: 'POST', url: `http://127.0.0.1:${port}/x` })
        .catch((error: unknown) => error);

      expect(timedOut).toMatchObject({ name: 'ProviderTransientError', ambiguous: true });
      expect(refused).toMatchObject({ name: 'ProviderTransientError', ambiguous: false });
    });

    it('asks reconcile before repeating a request that timed out, and takes its answer', async () => {
      client = makeClient({ timeoutMs: 100 });
      server.respondLate(1, 300);
      const asked: number[] = [];

      const response = await client.request({
        method: 'POST',
        url: `${server.url}/x`,
        reconcile: () => {
          asked.push(server.requests.length);
          return Promise.resolve({ status: 201, headers: {}, body: { found: true } });
        },
      });

      expect(response.body).toEqual({ found: true });
      expect(asked).toEqual([1]);
      expect(server.requests).toHaveLength(1);
    });

    it('never calls reconcile for a request the provider answered', async () => {
      server.failWithStatus(1, 503);
      let asked = 0;

      await client.request({
        method: 'POST',
        url: `${server.url}/x`,
        reconcile: () => {
          asked++;
          return Promise.resolve(undefined);
        },
      });

      expect(asked).toBe(0);
      expect(server.requests).toHaveLength(2);
    });
  });

  it('keeps the connection alive across calls to one origin', async () => {
    for (let i = 0; i < 20; i++) await client.request({ method: 'GET', url: `${server.url}/n${i}` });

    expect(server.requests).toHaveLength(20);
    // undici may open a second socket while the first is being released; never one per request.
    expect(server.connectionsAccepted).toBeLessThanOrEqual(2);
  });

  it('closes its pools on module destroy', async () => {
    await client.request({ method: 'GET', url: `${server.url}/a` });
    expect(server.openConnections).toBeGreaterThan(0);

    await client.onModuleDestroy();
    await waitFor(() => server.openConnections === 0);
  });

  it('retries 5xx with full-jitter exponential backoff, then returns the success', async () => {
    server.failWithStatus(2, 503);
    client = makeClient({ random: () => 0.5 });

    const response = await client.request({ method: 'GET', url: `${server.url}/flaky` });

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]); // half of 200 ms, then half of 400 ms
  });

  it('keeps the jitter within [0, min(cap, base * 2^n))', async () => {
    server.failWithStatus(3, 500);
    client = makeClient({
      random: () => 0.999,
      retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 2_500 },
    });

    await client.request({ method: 'GET', url: `${server.url}/flaky` });

    expect(sleeps).toEqual([999, 1_998, 2_497]);
  });

  it('throws ProviderTransientError with the status once the attempts are exhausted', async () => {
    server.failWithStatus(10, 502);

    const error = await client.request({ method: 'GET', url: `${server.url}/down` }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderTransientError);
    expect((error as ProviderTransientError).httpStatus).toBe(502);
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it('waits exactly the Retry-After seconds of a 429', async () => {
    server.rateLimit(1, '3');

    const response = await client.request({ method: 'GET', url: `${server.url}/limited` });

    expect(response.status).toBe(200);
    expect(sleeps).toEqual([3_000]);
    expect(server.requests).toHaveLength(2);
  });

  it('understands Retry-After as an HTTP-date', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    client = makeClient({ now: () => now });
    server.rateLimit(1, new Date(now + 7_000).toUTCString());

    await client.request({ method: 'GET', url: `${server.url}/limited` });

    expect(sleeps).toEqual([7_000]);
  });

  it('does not sleep through a Retry-After beyond the cap: it hands the wait to the caller', async () => {
    server.rateLimit(1, '120');

    const error = await client
      .request({ method: 'GET', url: `${server.url}/limited` })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderTransientError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, httpStatus: 429 });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reports the last Retry-After when 429s exhaust the attempts', async () => {
    server.rateLimit(4, '2');

    const error = await client
      .request({ method: 'GET', url: `${server.url}/limited` })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ProviderTransientError', retryAfterMs: 2_000, httpStatus: 429 });
    expect(sleeps).toEqual([2_000, 2_000, 2_000]);
  });

  it('returns other 4xx at once, without retrying', async () => {
    server.respondWith(1, { status: 400, body: { code: 'syntax_invalid_json', text: 'bad' } });

    const response = await client.request({ method: 'POST', url: `${server.url}/x`, json: {} });

    expect(response).toMatchObject({ status: 400, body: { code: 'syntax_invalid_json', text: 'bad' } });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('times out a request that hangs and retries it', async () => {
    server.hang(1);
    const started = Date.now();

    const response = await client.request({ method: 'GET', url: `${server.url}/slow`, timeoutMs: 150 });

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('times out a slow body too, and gives up with a transient error', async () => {
    server.delay(3, 400);

    const error = await client
      .request({ method: 'GET', url: `${server.url}/slow`, timeoutMs: 100, retry: { maxAttempts: 3 } })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderTransientError);
    expect((error as Error).message).toMatch(/timed out after 100 ms/);
    expect((error as ProviderTransientError).httpStatus).toBeUndefined();
    expect(server.requests).toHaveLength(3);
  });

  it('logs retries with the path only: no query string, headers or body', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    server.failWithStatus(1, 500);

    await client.request({
      method: 'POST',
      url: `${server.url}/xms/v1/plan/batches?client_reference=secret-ref`,
      headers: { authorization: 'Bearer secret-token' },
      json: { to: ['14155550100'] },
    });

    const logged = warn.mock.calls.map((call) => String(call[0])).join('\n');
    warn.mockRestore();
    expect(logged).toContain(`POST ${server.url}/xms/v1/plan/batches attempt 1 failed (HTTP 500)`);
    expect(logged).not.toMatch(/secret-ref|secret-token|14155550100/);
  });

  it('retries connection failures and reports them as transient', async () => {
    const port = await closedPort();

    const error = await client
      .request({ method: 'GET', url: `http://127.0.0.1:${port}/x` })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderTransientError);
    expect((error as Error).message).toMatch(/after 4 attempt\(s\).*ECONNREFUSED/);
    expect(sleeps).toHaveLength(3);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
