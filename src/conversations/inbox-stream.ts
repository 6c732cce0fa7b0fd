import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Subscription } from 'rxjs';
import { InboxEvents } from './inbox-events.js';

/** Comment lines this often keep idle proxies and load balancers from closing the stream. */
const HEARTBEAT_MS = 15_000;

/** Serves the Server-Sent Events stream of inbox updates to signed-in users. */
@Injectable()
export class InboxStream implements OnModuleDestroy {
  private readonly closers = new Set<() => void>();

  constructor(private readonly events: InboxEvents) {}

  open(request: Request, response: Response): void {
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    // nginx buffers responses unless told otherwise.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(': connected\n\n');

    const subscription: Subscription = this.events.events.subscribe((event) => {
      response.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    });
    const heartbeat = setInterval(
      () => response.write(`: heartbeat ${new Date().toISOString()}\n\n`),
      HEARTBEAT_MS,
    );
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
      this.closers.delete(close);
      if (!response.writableEnded) response.end();
    };
    this.closers.add(close);
    request.on('close', close);
  }

  /** Ends every stream so that shutdown does not wait for clients to hang up. */
  onModuleDestroy(): void {
    for (const close of [...this.closers]) close();
  }
}
