import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Subscription } from 'rxjs';

import { InboxEventFeed } from './inbox-event-feed.js';
import { InboxEventLog, type LoggedInboxEvent } from './inbox-event-log.js';

/** Comment lines this often keep idle proxies and load balancers from closing the stream. */
const HEARTBEAT_MS = 15_000;
const REPLAY_PAGE = 500;

/**
 * Serves the Server-Sent Events stream of inbox updates to signed-in users. Every event carries its
 * log id; a client that reconnects with `Last-Event-ID` (or `?lastEventId=`) first gets, in order,
 * the events after that id still in the log, then live ones.
 */
@Injectable()
export class InboxStream implements OnModuleDestroy {
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly feed: InboxEventFeed,
    private readonly log: InboxEventLog,
  ) {}

  open(request: Request, response: Response, lastEventId: number | undefined): void {
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    // nginx buffers responses unless told otherwise.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(': connected\n\n');

    const send = (event: LoggedInboxEvent) =>
      response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    let replaying = lastEventId !== undefined;
    const held: LoggedInboxEvent[] = [];
    // Subscribed before the replay is read, so nothing delivered meanwhile falls between the two.
    const subscription: Subscription = this.feed.events.subscribe((event) =>
      replaying ? held.push(event) : send(event),
    );
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

    if (lastEventId !== undefined) {
      this.replay(lastEventId, this.feed.position, send)
        .then((replayed) => {
          replaying = false;
          for (const event of held.splice(0)) if (!replayed.has(event.id)) send(event);
        })
        .catch(close);
    }
  }

  /** Ends every stream so that shutdown does not wait for clients to hang up. */
  onModuleDestroy(): void {
    for (const close of [...this.closers]) close();
  }

  /** Sends the logged events after `from` up to `through` in id order; returns their ids. */
  private async replay(
    from: number,
    through: number,
    send: (event: LoggedInboxEvent) => void,
  ): Promise<Set<number>> {
    const replayed = new Set<number>();
    for (let after = from; after < through;) {
      const page = (await this.log.after(after, REPLAY_PAGE)).filter((event) => event.id <= through);
      for (const event of page) {
        replayed.add(event.id);
        send(event);
      }
      if (page.length < REPLAY_PAGE) break;
      after = page[page.length - 1].id;
    }
    return replayed;
  }
}
