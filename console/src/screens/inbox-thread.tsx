import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

import { conversationsApi, messagesApi } from '../api/endpoints';
import {
  type Channel,
  type Conversation,
  CONVERSATION_STATUSES,
  type ConversationStatus,
  type Message,
} from '../api/models';
import { channelLabel } from '../channels-cache';
import { ErrorAlert, Loading } from '../components/feedback';
import { MessageStatusBadge } from '../components/status-badge';
import { contactName, formatWhen } from '../format';
import { useAction, useDocumentTitle } from '../hooks';
import { useInboxEvents } from '../live-inbox';
import { hasNavigated, Link } from '../router';
import { ReplyBox } from './reply-box';

export function Thread({
  id,
  channels,
  backTo,
}: {
  id: string;
  channels: Channel[] | undefined;
  backTo: string;
}) {
  const [conversation, setConversation] = useState<Conversation>();
  const [messages, setMessages] = useState<Message[]>();
  const [olderCursor, setOlderCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const list = useRef<HTMLOListElement>(null);
  const stickToBottom = useRef(true);
  const heading = useRef<HTMLHeadingElement>(null);

  const reload = useCallback(async () => {
    try {
      const [loaded, page] = await Promise.all([conversationsApi.get(id), conversationsApi.messages(id)]);
      setConversation(loaded);
      setMessages((current) => mergeMessages(current ?? [], page.items));
      setOlderCursor((current) => current ?? page.nextCursor);
      setError(undefined);
      if (loaded.unreadCount > 0) await conversationsApi.markRead(id);
    } catch (caught) {
      setError(caught);
    }
  }, [id]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // Opened from the list: continue at the thread (on a narrow screen the list is gone).
  useEffect(() => {
    if (conversation && hasNavigated()) heading.current?.focus();
  }, [conversation?.id]);

  // Follow the newest message unless the reader has scrolled back.
  useEffect(() => {
    const element = list.current;
    if (element && stickToBottom.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  const add = (message: Message) => setMessages((current) => mergeMessages(current ?? [], [message]));

  useInboxEvents({
    messageCreated: (message) => {
      if (message.conversationId !== id) return;
      add(message);
      // The contact may have just opted out (STOP) or opened a WhatsApp window: re-read it.
      if (message.direction === 'inbound') {
        void conversationsApi.get(id).then(setConversation, () => undefined);
        void conversationsApi.markRead(id).catch(() => undefined);
      }
    },
    messageStatus: (change) => {
      if (change.conversationId !== id) return;
      setMessages((current) =>
        current?.map((message) =>
          message.id === change.id
            ? {
                ...message,
                status: change.status,
                statusReason: change.statusReason,
                errorCode: change.errorCode,
                statusUpdatedAt: change.statusUpdatedAt,
              }
            : message,
        ),
      );
    },
    conversationUpdated: (updated) => {
      if (updated.id === id) setConversation(updated);
    },
    connected: (reconnected) => {
      if (reconnected) void reload();
    },
  });

  const loadOlder = useAction(async () => {
    if (!olderCursor) return;
    const page = await conversationsApi.messages(id, olderCursor);
    stickToBottom.current = false;
    setMessages((current) => mergeMessages(page.items, current ?? []));
    setOlderCursor(page.nextCursor);
  });

  const changeStatus = useAction(async (status: ConversationStatus) => {
    setConversation(await conversationsApi.setStatus(id, status));
  });

  const channel = channels?.find((candidate) => candidate.id === conversation?.channelId);
  const name = conversation ? contactName(conversation.contact) : 'Conversation';
  useDocumentTitle(name);

  if (error && !conversation) return <ErrorAlert error={error} context="Could not open the conversation" />;
  if (!conversation || !messages) return <Loading what="the conversation" />;

  return (
    <article class="thread" aria-labelledby="thread-title">
      <Link to={backTo} class="back-link">
        ← All conversations
      </Link>
      <header class="thread-header">
        <div>
          <h2 id="thread-title" tabIndex={-1} ref={heading}>
            {name}
          </h2>
          <p class="small muted">
            {conversation.contact.phone && conversation.contact.phone !== name
              ? `${conversation.contact.phone} · `
              : ''}
            {channelLabel(channel)}
            {conversation.contact.optedOut ? (
              <>
                {' '}
                · <span class="badge status-failed">Opted out</span>
              </>
            ) : null}
          </p>
        </div>
        <div class="field inline-field">
          <label for="conversation-status">Conversation status</label>
          <select
            id="conversation-status"
            value={conversation.status}
            disabled={changeStatus.busy}
            onChange={(event) => void changeStatus.run(event.currentTarget.value as ConversationStatus)}
          >
            {CONVERSATION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status[0].toUpperCase() + status.slice(1)}
              </option>
            ))}
          </select>
        </div>
      </header>
      <ErrorAlert error={changeStatus.error} context="Could not change the status" />
      {olderCursor ? (
        <button
          type="button"
          class="secondary small-button"
          onClick={() => void loadOlder.run()}
          disabled={loadOlder.busy}
        >
          Load earlier messages
        </button>
      ) : null}
      <ErrorAlert error={loadOlder.error} />
      <ol
        class="messages"
        ref={list}
        aria-label={`Messages with ${name}, oldest first`}
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
        }}
      >
        {messages.length === 0 ? <li class="empty">No messages yet.</li> : null}
        {messages.map((message) => (
          <MessageItem key={message.id} message={message} />
        ))}
      </ol>
      <ReplyBox
        conversation={conversation}
        channel={channel}
        onSent={async (messageId) => {
          stickToBottom.current = true;
          add(await messagesApi.get(messageId));
        }}
      />
    </article>
  );
}

function MessageItem({ message }: { message: Message }) {
  const { content } = message;
  const failed = message.status === 'failed' || message.status === 'rejected';
  return (
    <li class={`message ${message.direction}`}>
      <div class="bubble">
        <span class="visually-hidden">{message.direction === 'inbound' ? 'Received: ' : 'Sent: '}</span>
        {content.kind === 'text' ? <p class="message-text">{content.text}</p> : null}
        {content.kind === 'template' && content.template ? (
          <p class="message-text">
            Template <code>{content.template.id}</code>
            {content.template.languageCode ? ` (${content.template.languageCode})` : ''}
            {content.template.parameters && Object.keys(content.template.parameters).length > 0
              ? `: ${Object.entries(content.template.parameters)
                  .map(([key, value]) => `${key}=${value}`)
                  .join(', ')}`
              : ''}
          </p>
        ) : null}
        {content.kind === 'media' && content.media ? (
          <p class="message-text">
            <a href={content.media.url} rel="noreferrer noopener" target="_blank">
              {content.media.caption ?? 'Media'}
            </a>
          </p>
        ) : null}
      </div>
      <p class="message-meta small">
        <time dateTime={message.createdAt}>{formatWhen(message.createdAt)}</time>
        {message.direction === 'outbound' ? (
          <>
            {' '}
            <MessageStatusBadge status={message.status} />
          </>
        ) : null}
        {message.campaignId ? <span class="muted"> · campaign</span> : null}
      </p>
      {failed ? (
        <p class="message-failure small">
          {message.status === 'rejected' ? 'Rejected' : 'Failed'}:{' '}
          {message.statusReason ?? 'the provider gave no reason'}
          {message.errorCode ? ` (code ${message.errorCode})` : ''}
        </p>
      ) : null}
    </li>
  );
}

/** Messages by id, oldest first; a newer copy of a message (a later status) wins. */
function mergeMessages(first: Message[], second: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const message of [...first, ...second]) {
    const known = byId.get(message.id);
    if (!known || rank(message) >= rank(known)) byId.set(message.id, message);
  }
  return [...byId.values()].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}

/** Statuses only move forward (as on the server), so an older copy never overwrites a newer one. */
const STATUS_RANK: Record<Message['status'], number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 3,
  rejected: 3,
  received: 0,
};
function rank(message: Message): number {
  return STATUS_RANK[message.status];
}
