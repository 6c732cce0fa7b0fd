import { useEffect, useRef } from 'preact/hooks';

import { followInbox, type InboxStreamHandlers } from './api/inbox-stream';

type Listener = Partial<InboxStreamHandlers>;

/**
 * One stream for the whole page, however many parts of the inbox listen: it opens with the first
 * listener and closes with the last.
 */
const listeners = new Set<{ current: Listener }>();
let stopStream: (() => void) | undefined;

function dispatch<K extends keyof InboxStreamHandlers>(
  name: K,
  ...args: Parameters<InboxStreamHandlers[K]>
): void {
  for (const listener of listeners) {
    const handler = listener.current[name] as
      ((...values: Parameters<InboxStreamHandlers[K]>) => void) | undefined;
    handler?.(...args);
  }
}

function subscribe(listener: { current: Listener }): () => void {
  listeners.add(listener);
  stopStream ??= followInbox({
    messageCreated: (message) => dispatch('messageCreated', message),
    messageStatus: (change) => dispatch('messageStatus', change),
    conversationUpdated: (conversation) => dispatch('conversationUpdated', conversation),
    noteCreated: (note) => dispatch('noteCreated', note),
    connected: (reconnected) => dispatch('connected', reconnected),
    disconnected: () => dispatch('disconnected'),
  });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stopStream?.();
      stopStream = undefined;
    }
  };
}

/** Live inbox events for as long as the component is mounted; the latest handlers are always used. */
export function useInboxEvents(handlers: Listener): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => subscribe(ref), []);
}
