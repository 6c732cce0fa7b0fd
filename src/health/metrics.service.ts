import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type SendOutcome = 'sent' | 'failed' | 'rejected' | 'retry';
/** Where an outbound message came from: `POST /messages`, an agent reply or auto-reply, or a campaign. */
export type SendSource = 'single' | 'campaign';

/**
 * The Prometheus registry of this app instance (not prom-client's global one, so several apps in
 * one process, as in tests, do not collide). Feature modules add their own metrics to `registry`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly messageOutcomes = new Counter({
    name: 'switchboard_messages_sent_total',
    help: 'Outbound messages handed to providers, by provider, channel, source (single, campaign) and outcome (sent, failed, rejected, retry)',
    labelNames: ['provider', 'channel_id', 'source', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly dispatchLatency = new Histogram({
    name: 'switchboard_dispatch_latency_seconds',
    help: 'Time one provider send request took, retries within the request included, by provider and source',
    labelNames: ['provider', 'source'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly jobFailures = new Counter({
    name: 'switchboard_job_failures_total',
    help: 'Background job passes that failed (and are retried at the next tick), by job',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A counter in this instance's registry. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  countSends(
    channel: { provider: string; id: string },
    source: SendSource,
    outcome: SendOutcome,
    count = 1,
  ): void {
    if (count > 0)
      this.messageOutcomes.inc(
        { provider: channel.provider, channel_id: channel.id, source, outcome },
        count,
      );
  }

  countJobFailure(job: string): void {
    this.jobFailures.inc({ job });
  }

  /** Starts timing one provider request; call the returned function when it settles. */
  timeDispatch(provider: string, source: SendSource): () => void {
    const end = this.dispatchLatency.startTimer({ provider, source });
    return () => void end();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
