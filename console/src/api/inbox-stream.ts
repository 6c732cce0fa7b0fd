import { apiUrl } from './http';
import type { Conversation, Message, MessageStatusChange, Note } from './models';
import { session } from './session';

export interface InboxStreamHandlers {
  messageCreated(message: Message): void;
  messageStatus(change: MessageStatusChange): void;
  conversationUpdated(conversation: Conversation): void;
  noteCreated(note: Note): void;
  /** The stream (re)connected: events may have been missed while it was down. */
  connected(reconnected: boolean): void;
  disconnected(): void;
}

const MAX_RETRY_MS = 30_000;

/**
 * Follows GET /conversations/stream. EventSource cannot send an Authorization header, so the
 * access token goes in the query (the route accepts `?access_token=`). The browser retries a dropped
 * stream with the same URL; once the token in it has expired that retry is refused and the source
 * closes, so a closed source is reopened here, after a pause and with a token that is still valid,
 * backing off while it keeps failing. The pause matters: a source also closes when the page
 * unloads, and a token refresh sent then would rotate the refresh token without the page ever
 * storing its successor. A reopened source asks for the events after the last one seen
 * (`?lastEventId=`), so nothing that happened while it was down is missed.
 */
export function followInbox(handlers: InboxStreamHandlers): () => void {
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = 1000;
  let everConnected = false;
  let stopped = false;
  let lastEventId: string | undefined;
  const seen =
    <T>(handle: (data: T) => void) =>
    (event: Event) => {
      const message = event as MessageEvent<string>;
      if (message.lastEventId) lastEventId = message.lastEventId;
      handle(JSON.parse(message.data) as T);
    };

  const open = async () => {
    const token = await session.validAccessToken().catch(() => undefined);
    if (stopped) return;
    if (!token) return scheduleRetry();
    source = new EventSource(apiUrl('/conversations/stream', { access_token: token, lastEventId }));
    source.addEventListener('open', () => {
      retryMs = 1000;
      handlers.connected(everConnected);
      everConnected = true;
    });
    source.addEventListener(
      'message.created',
      seen<Message>((message) => handlers.messageCreated(message)),
    );
    source.addEventListener(
      'message.status',
      seen<MessageStatusChange>((change) => handlers.messageStatus(change)),
    );
    source.addEventListener(
      'conversation.updated',
      seen<Conversation>((conversation) => handlers.conversationUpdated(conversation)),
    );
    source.addEventListener(
      'note.created',
      seen<Note>((note) => handlers.noteCreated(note)),
    );
    source.addEventListener('error', () => {
      handlers.disconnected();
      if (source?.readyState === EventSource.CLOSED) {
        source = undefined;
        scheduleRetry();
      }
    });
  };

  const scheduleRetry = () => {
    if (stopped) return;
    retryTimer = setTimeout(() => void open(), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  void open();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
  };
}
