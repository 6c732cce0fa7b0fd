import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns';

import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'undici';

import { AppConfig } from '../config/app-config.js';
import { isPrivateAddress, urlShapeProblem } from './endpoint-address.js';

const MAX_STORED_BODY_BYTES = 1024;
const MAX_ERROR_LENGTH = 500;

export interface PostOutcome {
  succeeded: boolean;
  responseStatus: number | null;
  /** At most 1 KiB of the receiver's answer. */
  responseBody: string | null;
  error: string | null;
  durationMs: number;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A DNS lookup for outgoing connections that refuses loopback, private and link-local addresses:
 * the address checked is the address connected to, so DNS rebinding cannot slip one in.
 */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused || addresses.length === 0) {
      const denied: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to a loopback, private or link-local address`,
      );
      denied.code = 'EADDRNOTAVAIL';
      return callback(denied, []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}

/**
 * Posts signed event bodies to endpoints over one keep-alive undici Pool per origin, each request
 * bounded by the delivery timeout. Never throws: every outcome is an attempt to record.
 */
@Injectable()
export class WebhookPoster implements OnApplicationShutdown {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly config: AppConfig) {}

  async post(url: string, headers: Record<string, string>, body: string): Promise<PostOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { allowPrivate, timeoutMs } = this.config.eventWebhooks;
    const shapeProblem = urlShapeProblem(url, allowPrivate);
    if (shapeProblem) return failure(`URL ${shapeProblem}`, elapsed());
    const target = new URL(url);
    try {
      const response = await this.pool(target.origin).request({
        method: 'POST',
        path: `${target.pathname}${target.search}`,
        headers: { 'content-type': 'application/json', 'user-agent': 'Switchboard-Webhooks/1', ...headers },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const responseBody = await readPrefix(response.body);
      const succeeded = response.statusCode >= 200 && response.statusCode < 300;
      return {
        succeeded,
        responseStatus: response.statusCode,
        responseBody,
        error: succeeded ? null : `HTTP ${response.statusCode}`,
        durationMs: elapsed(),
      };
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return failure(timedOut ? `timed out after ${timeoutMs} ms` : errorText(error), elapsed());
    }
  }

  // After the delivery job has awaited its requests (beforeApplicationShutdown).
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close().catch(() => undefined)));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const { allowPrivate, timeoutMs, concurrency } = this.config.eventWebhooks;
      pool = new Pool(origin, {
        connections: concurrency,
        keepAliveTimeout: 30_000,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        connect: allowPrivate ? undefined : { lookup: publicOnlyLookup },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

function failure(error: string, durationMs: number): PostOutcome {
  return { succeeded: false, responseStatus: null, responseBody: null, error, durationMs };
}

function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? `${error.message}${cause}` : String(error);
  return message.slice(0, MAX_ERROR_LENGTH);
}

/** Reads at most 1 KiB of a body and drops the rest without buffering it. */
async function readPrefix(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_STORED_BODY_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks)
    .subarray(0, MAX_STORED_BODY_BYTES)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')
    .replaceAll('\u0000', '');
}
