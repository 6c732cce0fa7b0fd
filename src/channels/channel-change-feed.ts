import { Injectable } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';

/**
 * Announces, within this instance, that a channel's configuration changed (updated or disabled), so
 * whoever keeps a copy of it (the webhook guard's cache) drops that copy at once. Other instances
 * notice through their copies' short lifetime.
 */
@Injectable()
export class ChannelChangeFeed {
  private readonly subject = new Subject<string>();

  announce(channelId: string): void {
    this.subject.next(channelId);
  }

  get changed(): Observable<string> {
    return this.subject.asObservable();
  }
}
