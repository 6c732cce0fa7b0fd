import { Injectable } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';

export type InboxEventType = 'message.created' | 'message.status' | 'conversation.updated';

export interface InboxEvent {
  type: InboxEventType;
  data: object;
}

/**
 * Live inbox updates for the SSE stream. Events are published by the instance that made the change,
 * so with several instances a client sees the changes its own instance made plus what it re-reads.
 */
@Injectable()
export class InboxEvents {
  private readonly subject = new Subject<InboxEvent>();

  publish(type: InboxEventType, data: object): void {
    this.subject.next({ type, data });
  }

  get events(): Observable<InboxEvent> {
    return this.subject.asObservable();
  }
}
