import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DeliveryReportProcessor } from './delivery-report.processor.js';

/** Up to this many stored reports are applied by one batch. */
const BATCH_SIZE = 500;
/** After a quiet spell, the first report waits this long for others to join its batch. */
const GATHER_MS = 10;

/**
 * The delivery reports this instance stored and acknowledged, waiting to be applied. One batch runs
 * at a time: while it does, new reports gather into the next one, so a burst becomes a few large
 * batches instead of many small ones. The queue lives in memory only; the events are durable in the
 * inbox, where the retry job finds whatever an instance stopped before applying.
 */
@Injectable()
export class DeliveryReportQueue implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryReportQueue.name);
  private readonly waiting: string[] = [];
  private draining: Promise<void> | undefined;
  private closing = false;

  constructor(private readonly processor: DeliveryReportProcessor) {}

  enqueue(ids: readonly string[]): void {
    if (ids.length === 0 || this.closing) return;
    this.waiting.push(...ids);
    this.wake();
  }

  /** Lets the reports already queued be applied before the database connections close. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.draining;
  }

  private wake(): void {
    if (this.draining || this.waiting.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      this.wake();
    });
  }

  private async drain(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, BATCH_SIZE);
      await this.processor.process(batch).catch((error: unknown) => {
        this.logger.warn(
          { err: error, events: batch.length },
          'Applying delivery reports failed; the retry job will take them',
        );
      });
    }
  }
}
