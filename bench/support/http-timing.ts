import { performance } from 'node:perf_hooks';

import type { Pool } from 'undici';

import { type LatencySummary, summariseLatencies } from './format.js';

/** One read a benchmark times: a name for the JSON line and the path of each request. */
export interface TimedRead {
  name: string;
  path: () => string;
}

/**
 * Times `requests` sequential GETs of one read over a keep-alive pool, after `warmup` untimed ones;
 * a status other than 200 aborts the benchmark.
 */
export async function timeRead(
  pool: Pool,
  headers: Record<string, string>,
  read: TimedRead,
  { requests, warmup }: { requests: number; warmup: number },
): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + requests; i += 1) {
    const path = read.path();
    const started = performance.now();
    const response = await pool.request({ method: 'GET', path, headers });
    const body = await response.body.text();
    const elapsed = performance.now() - started;
    if (response.statusCode !== 200)
      throw new Error(`${read.name}: GET ${path} answered ${response.statusCode}: ${body.slice(0, 300)}`);
    if (i >= warmup) samples.push(elapsed);
  }
  return summariseLatencies(samples);
}
