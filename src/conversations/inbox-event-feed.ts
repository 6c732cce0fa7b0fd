import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { type Observable, Subject } from 'rxjs';
import { DataSource } from 'typeorm';

import { INBOX_EVENTS_CHANNEL, InboxEventLog, type LoggedInboxEvent } from './inbox-event-log.js';

/** The log is read this often even without a notification (a lost one, or PGlite, which has none here). */
const POLL_MS = 250;
const READ_BATCH = 500;
/**
 * An id missing below the newest one read is a transaction that took it and has not committed yet (or
 * rolled back). It is looked for on every read for this long, and delivered late if it shows up.
 */
const GAP_WATCH_MS = 60_000;
/** A bound on the missing ids watched, should a sequence ever jump far. */
const MAX_GAPS = 10_000;
const RELISTEN_MS = 5_000;

/**
 * Tails the inbox event log and hands every event, once and in id order, to this instance's streams,
 * whichever instance wrote it. PostgreSQL LISTEN/NOTIFY wakes it as soon as another instance commits
 * an event; polling covers notifications that never come.
 */
@Injectable()
export class InboxEventFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboxEventFeed.name);
  private readonly subject = new Subject<LoggedInboxEvent>();
  private newest = 0;
  /** Missing ids below `newest`, with when they were first missed. */
  private readonly gaps = new Map<number, number>();
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private poller: NodeJS.Timeout | undefined;
  private listener: pg.Client | undefined;
  private relisten: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly log: InboxEventLog,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.newest = await this.log.lastId();
    this.poller = setInterval(() => this.wake(), POLL_MS);
    this.poller.unref();
    void this.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poller);
    clearTimeout(this.relisten);
    this.subject.complete();
    await Promise.all([this.reading, this.listener?.end().catch(() => undefined)]);
  }

  /** Every event delivered from now on. */
  get events(): Observable<LoggedInboxEvent> {
    return this.subject.asObservable();
  }

  /** The newest id delivered: every event up to it has been handed out, bar ids still missing. */
  get position(): number {
    return this.newest;
  }

  /** Reads the log now (after a local append, or a notification). */
  wake(): void {
    if (this.stopping) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.read()
      .catch((error: unknown) => {
        this.logger.warn(
          `Reading the inbox event log failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          this.wake();
        }
      });
  }

  /**
   * Delivers what is new since the newest id read, noting the ids skipped on the way, and then the
   * skipped ids that have committed since. Events are delivered in id order except for such late
   * ones, which are delivered when they commit rather than held back or lost.
   */
  private async read(): Promise<void> {
    for (;;) {
      const events = await this.log.after(this.newest, READ_BATCH);
      const now = Date.now();
      for (const event of events) {
        for (let id = this.newest + 1; id < event.id && this.gaps.size < MAX_GAPS; id += 1)
          this.gaps.set(id, now);
        this.newest = event.id;
        this.subject.next(event);
      }
      if (events.length < READ_BATCH || this.stopping) break;
    }
    await this.readGaps();
  }

  private async readGaps(): Promise<void> {
    if (this.gaps.size === 0) return;
    const now = Date.now();
    for (const [id, since] of this.gaps) if (now - since > GAP_WATCH_MS) this.gaps.delete(id);
    if (this.gaps.size === 0) return;
    for (const event of await this.log.withIds([...this.gaps.keys()])) {
      this.gaps.delete(event.id);
      this.subject.next(event);
    }
  }

  private async listen(): Promise<void> {
    const { url } = this.dataSource.options as { url?: string };
    if (this.stopping || !url) return;
    // A connection of its own: LISTEN holds it for good, so it cannot come from the pool.
    const client = new pg.Client({ connectionString: url });
    const retry = (error: unknown) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      if (this.stopping) return;
      this.logger.debug(
        `Inbox notifications unavailable, polling: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.relisten = setTimeout(() => void this.listen(), RELISTEN_MS);
      this.relisten.unref();
    };
    this.listener = client;
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${INBOX_EVENTS_CHANNEL}`);
    } catch (error) {
      retry(error);
    }
  }
}
