import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { WebhookEventProcessor } from './webhook-event.processor.js';
import { WebhookInboxService } from './webhook-inbox.service.js';

const BATCH = 200;

/** Re-runs inbox events whose processing failed or never ran (e.g. the process died after the 2xx). */
@Injectable()
export class WebhookRetryJob {
  private readonly logger = new Logger(WebhookRetryJob.name);
  private running = false;

  constructor(
    private readonly inbox: WebhookInboxService,
    private readonly processor: WebhookEventProcessor,
  ) {}

  @Interval('webhook-retry', 3_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const due = await this.inbox.due(BATCH);
      if (due.length > 0) await this.processor.process(due);
    } catch (error) {
      this.logger.warn(`Webhook retry pass failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
