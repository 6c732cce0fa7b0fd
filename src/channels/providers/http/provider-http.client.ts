import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { errors, Pool } from 'undici';
import { ProviderTransientError } from '../provider-errors.js';
import { backoffDelayMs } from '../../../common/retry/backoff.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfterMs,
  type RetryPolicy,
} from './retry-policy.js';

/** Optional DI token: tests (and tuning) provide ProviderHttpOptions under it. */
export const PROVIDER_HTTP_OPTIONS = Symbol('PROVIDER_HTTP_OPTIONS');

export interface ProviderHttpOptions {
  /** Per attempt, covering connect, headers and body. Default 10 s. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  connectionsPerOrigin?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) source for the backoff jitter. */
  random?: () => number;
  now?: () => number;
}

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ProviderHttpRequest {
  method: HttpMethod;
  /** Absolute URL; one keep-alive pool serves each origin. */
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent byte for byte (for signed bodies); set the content-type header yourself. */
  rawBody?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Asked before retrying an attempt that may have reached the provider (see AttemptFailure
   * `ambiguous`): a response it returns ends the call as the provider's answer, so a request that
   * is not idempotent is not repeated after it took effect. Undefined: it did not; retry.
   */
  reconcile?: () => Promise<ProviderHttpResponse | undefined>;
}

export interface ProviderHttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
  /** Parsed JSON when the content type says JSON and it parses, else the text; undefined when empty. */
  body: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECTIONS_PER_ORIGIN = 64;

class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

interface AttemptFailure {
  message: string;
  retryAfterMs?: number;
  httpStatus?: number;
  /** No answer, but the request may have arrived: a timeout or a connection lost after connecting. */
  ambiguous?: boolean;
}

/** Failures that happen before a request can reach the provider. */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Outbound HTTP to the providers: a keep-alive undici Pool per origin, a timeout on every attempt
 * and bounded retries (exponential backoff with full jitter, Retry-After honoured) on network
 * errors, timeouts, 429 and 5xx. Any other status is returned for the provider to interpret.
 * It never logs bodies, query strings or headers, which hold secrets and phone numbers.
 */
@Injectable()
export class ProviderHttpClient implements OnModuleDestroy {
  private readonly logger = new Logger(ProviderHttpClient.name);
  private readonly pools = new Map<string, Pool>();
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly connections: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(@Optional() @Inject(PROVIDER_HTTP_OPTIONS) options: ProviderHttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.connections = options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  async request(request: ProviderHttpRequest): Promise<ProviderHttpResponse> {
    const url = new URL(request.url);
    const policy: RetryPolicy = { ...this.retry, ...request.retry };
    const label = `${request.method} ${url.origin}${url.pathname}`;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(url, request);
      if (!('message' in failure)) return failure;
      if (failure.ambiguous && request.reconcile) {
        const settled = await request.reconcile().catch((error: unknown) => {
          const why = error instanceof Error ? error.message : String(error);
          throw new ProviderTransientError(
            `${label}: ${failure.message}; asking whether it arrived failed too: ${why}`,
            undefined,
            undefined,
            true,
          );
        });
        if (settled) return settled;
      }

      const retryAfterTooLong =
        failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs;
      if (attempt >= policy.maxAttempts || retryAfterTooLong) {
        throw new ProviderTransientError(
          `${label} failed after ${attempt} attempt(s): ${failure.message}`,
          failure.retryAfterMs,
          failure.httpStatus,
          failure.ambiguous === true && !request.reconcile,
        );
      }
      const delayMs = failure.retryAfterMs ?? backoffDelayMs(policy, attempt, this.random);
      this.logger.warn(`${label} attempt ${attempt} failed (${failure.message}); retrying in ${delayMs} ms`);
      await this.sleep(delayMs);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  /** A response that ends the call, or why this attempt deserves another. */
  private async attempt(
    url: URL,
    request: ProviderHttpRequest,
  ): Promise<ProviderHttpResponse | AttemptFailure> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs);
    try {
      const { body, contentType } = encodeBody(request);
      const response = await this.poolFor(url.origin).request({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: {
          accept: 'application/json',
          'user-agent': 'switchboard',
          ...(contentType ? { 'content-type': contentType } : {}),
          ...request.headers,
        },
        body,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      const headers = flattenHeaders(response.headers);
      const result: ProviderHttpResponse = {
        status: response.statusCode,
        headers,
        body: decodeBody(text, headers['content-type']),
      };
      if (!isRetryableStatus(result.status)) return result;
      return {
        message: `HTTP ${result.status}`,
        retryAfterMs: parseRetryAfterMs(headers['retry-after'], this.now()),
        httpStatus: result.status,
      };
    } catch (error) {
      if (error instanceof errors.InvalidArgumentError) throw error;
      if (controller.signal.aborted) return { message: `timed out after ${timeoutMs} ms`, ambiguous: true };
      return {
        message: describeNetworkError(error),
        ambiguous: !NEVER_SENT_CODES.has(errorCode(error) ?? ''),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private poolFor(origin: string): Pool {
    const existing = this.pools.get(origin);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const pool = new Pool(origin, {
      connections: this.connections,
      connect: { timeout: this.connectTimeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });
    this.pools.set(origin, pool);
    return pool;
  }
}

function encodeBody(request: ProviderHttpRequest): { body?: string; contentType?: string } {
  if (request.rawBody !== undefined) return { body: request.rawBody };
  if (request.json !== undefined)
    return { body: JSON.stringify(request.json), contentType: 'application/json' };
  if (request.form !== undefined) {
    return {
      body: new URLSearchParams(request.form).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  return {};
}

function decodeBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType && /\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function flattenHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The error's code, or its cause's (undici wraps socket errors). Duck-typed: errors may come from another realm. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  return errorCode(cause) ?? (typeof code === 'string' ? code : undefined);
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
