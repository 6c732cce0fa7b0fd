import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DeliveryReportProcessor } from './delivery-report.processor.js';
import { WebhookEventProcessor } from './webhook-event.processor.js';
import { WebhookInboxService } from './webhook-inbox.service.js';

const INLINE_BATCH = 200;
const DELIVERY_REPORT_BATCH = 500;

/** Re-runs inbox events whose processing failed or never ran (e.g. the process died after the 2xx). */
@Injectable()
export class WebhookRetryJob {
  private readonly logger = new Logger(WebhookRetryJob.name);
  private running = false;

  constructor(
    private readonly inbox: WebhookInboxService,
    private readonly processor: WebhookEventProcessor,
    private readonly deliveryReports: DeliveryReportProcessor,
  ) {}

  @Interval('webhook-retry', 3_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const inline = await this.inbox.dueInline(INLINE_BATCH);
      if (inline.length > 0) await this.processor.process(inline);
      const reports = await this.deliveryReports.due(DELIVERY_REPORT_BATCH);
      if (reports.length > 0) await this.deliveryReports.process(reports, { dueOnly: true });
    } catch (error) {
      this.logger.warn(
        `Webhook retry pass failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running = false;
    }
  }
}
