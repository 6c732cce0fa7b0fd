import { Injectable } from '@nestjs/common';

import { IntervalJob } from '../common/jobs/interval-job.js';
import { DeliveryReportProcessor } from './delivery-report.processor.js';
import { WebhookEventProcessor } from './webhook-event.processor.js';
import { WebhookEventsRepository } from './webhook-events.repository.js';

const INLINE_BATCH = 200;
const DELIVERY_REPORT_BATCH = 500;

/** Re-runs inbox events whose processing failed or never ran (e.g. the process died after the 2xx). */
@Injectable()
export class WebhookRetryJob extends IntervalJob {
  protected readonly intervalMs = 3_000;

  constructor(
    private readonly inbox: WebhookEventsRepository,
    private readonly processor: WebhookEventProcessor,
    private readonly deliveryReports: DeliveryReportProcessor,
  ) {
    super();
  }

  protected async pass(): Promise<void> {
    const inline = await this.inbox.dueInline(INLINE_BATCH);
    if (inline.length > 0) await this.processor.process(inline);
    const reports = await this.inbox.dueDeliveryReports(DELIVERY_REPORT_BATCH);
    if (reports.length > 0) await this.deliveryReports.process(reports, { dueOnly: true });
  }
}
