import { performance } from 'node:perf_hooks';

import { Pool } from 'undici';

import { type LatencySummary, round, summariseLatencies } from './format.js';

/**
 * What an agent feels: the inbox's first page and a contact search, one after the other over one
 * keep-alive connection, as an agent's browser would. `sample(count)` times a fixed number of each;
 * `start()`/`stop()` time them continuously (e.g. while a campaign dispatches).
 */
export class AgentProbe {
  private readonly pool: Pool;
  private running: Promise<void> | undefined;
  private stopping = false;
  private inbox: number[] = [];
  private search: number[] = [];

  constructor(
    origin: string,
    private readonly headers: Record<string, string>,
    private readonly searchPath: () => string,
  ) {
    this.pool = new Pool(origin, { connections: 1 });
  }

  async sample(count: number): Promise<ProbeFigures> {
    this.reset();
    for (let i = 0; i < count; i += 1) await this.once();
    return this.figures();
  }

  start(): void {
    this.reset();
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) await this.once();
    })();
  }

  async stop(): Promise<ProbeFigures> {
    this.stopping = true;
    await this.running;
    return this.figures();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private reset(): void {
    this.inbox = [];
    this.search = [];
  }

  private async once(): Promise<void> {
    this.inbox.push(await this.time('/api/v1/conversations?limit=25'));
    this.search.push(await this.time(this.searchPath()));
  }

  private async time(path: string): Promise<number> {
    const started = performance.now();
    const response = await this.pool.request({ method: 'GET', path, headers: this.headers });
    const body = await response.body.text();
    const elapsed = performance.now() - started;
    // A 503 (database busy) is what the agent would see too: it counts, with its latency, and is reported.
    if (response.statusCode !== 200 && response.statusCode !== 503)
      throw new Error(`agent probe: GET ${path} answered ${response.statusCode}: ${body.slice(0, 300)}`);
    return response.statusCode === 200 ? elapsed : -elapsed;
  }

  private figures(): ProbeFigures {
    const summary = (samples: number[]) => ({
      ...summariseLatencies(samples.map(Math.abs)),
      non200: samples.filter((s) => s < 0).length,
    });
    return { inboxListMs: summary(this.inbox), contactSearchMs: summary(this.search) };
  }
}

export interface ProbeFigures {
  inboxListMs: LatencySummary & { non200: number };
  contactSearchMs: LatencySummary & { non200: number };
}

/** p95 during ÷ p95 idle for both reads (the goal: ≤ 2). */
export function probeRatios(
  idle: ProbeFigures,
  during: ProbeFigures,
): { inboxList: number; contactSearch: number } {
  return {
    inboxList: round(during.inboxListMs.p95 / idle.inboxListMs.p95),
    contactSearch: round(during.contactSearchMs.p95 / idle.contactSearchMs.p95),
  };
}
