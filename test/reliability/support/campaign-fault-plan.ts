import type { Fault, FaultPolicy, RecordedRequest } from '../../fakes/fake-provider.server.js';
import { recipientsOf } from './campaign-provider-record.js';

export interface BatchFaultPlanOptions {
  /** The same seed gives the same sequence of faults (which request gets which still depends on timing). */
  seed: number;
  /** Share of batch requests answered 500. */
  serverErrorShare: number;
  /** Share of batch requests never answered (nothing is created: the request is lost). */
  hangShare: number;
  /** Share of batch requests that start a burst of 429s, and the burst's shape. */
  rateLimitBurst: { share: number; length: number; retryAfterSeconds: number };
  /** Any batch carrying one of these recipients (E.164) is answered 500, every time. */
  alwaysRefused: ReadonlySet<string>;
}

const SERVER_ERROR: Fault = {
  kind: 'respond',
  response: { status: 500, body: { code: 'internal_error', text: 'Fake internal error' } },
};

/**
 * A provider having a bad day, for the batch requests of a fake Sinch SMS server (listing batches
 * is left alone): random 500s, lost requests and bursts of 429 with Retry-After, plus recipients
 * whose batches are always refused so that some retries must run out. It remembers what it did to
 * each request.
 */
export class BatchFaultPlan {
  private readonly given = new Map<RecordedRequest, Fault>();
  private readonly random: () => number;
  private burstLeft = 0;

  constructor(private readonly options: BatchFaultPlanOptions) {
    this.random = seededRandom(options.seed);
  }

  readonly policy: FaultPolicy = (request) => {
    if (request.method !== 'POST' || !/\/batches$/.test(request.path)) return undefined;
    const fault = this.choose(request);
    if (fault) this.given.set(request, fault);
    return fault;
  };

  /** Requests answered with this HTTP status (by the plan). */
  answeredWith(status: number): RecordedRequest[] {
    return [...this.given]
      .filter(([, fault]) => fault.kind === 'respond' && fault.response.status === status)
      .map(([request]) => request);
  }

  hung(): RecordedRequest[] {
    return [...this.given].filter(([, fault]) => fault.kind === 'hang').map(([request]) => request);
  }

  private choose(request: RecordedRequest): Fault | undefined {
    if (recipientsOf(request).some((phone) => this.options.alwaysRefused.has(phone))) return SERVER_ERROR;
    if (this.burstLeft > 0) {
      this.burstLeft--;
      return this.rateLimited();
    }
    const { hangShare, serverErrorShare, rateLimitBurst } = this.options;
    const draw = this.random();
    if (draw < hangShare) return { kind: 'hang' };
    if (draw < hangShare + serverErrorShare) return SERVER_ERROR;
    if (draw < hangShare + serverErrorShare + rateLimitBurst.share) {
      this.burstLeft = rateLimitBurst.length - 1;
      return this.rateLimited();
    }
    return undefined;
  }

  private rateLimited(): Fault {
    return {
      kind: 'respond',
      response: {
        status: 429,
        headers: { 'retry-after': String(this.options.rateLimitBurst.retryAfterSeconds) },
        body: { code: 'too_many_requests', text: 'Rate limit exceeded' },
      },
    };
  }
}

/** A small deterministic [0, 1) generator (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
