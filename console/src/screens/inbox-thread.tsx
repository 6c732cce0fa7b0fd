import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

import { conversationsApi, messagesApi, usersApi } from '../api/endpoints';
import type { Channel, Conversation, ConversationChanges, Me, Message, Note, User } from '../api/models';
import { channelLabel } from '../channels-cache';
import { ErrorAlert, Loading } from '../components/feedback';
import { isShortcut } from '../components/shortcuts-help';
import { MessageStatusBadge } from '../components/status-badge';
import { contactName, formatDateTime, formatWhen } from '../format';
import { useAction, useDocumentTitle, useLoad } from '../hooks';
import { useInboxEvents } from '../live-inbox';
import { hasNavigated, Link } from '../router';
import { SNOOZE_PRESETS, toLocalInput } from '../snooze';
import { ReplyBox, type ReplyBoxHandle } from './reply-box';

export function Thread({
  id,
  channels,
  backTo,
  user,
}: {
  id: string;
  channels: Channel[] | undefined;
  backTo: string;
  user: Me;
}) {
  const [conversation, setConversation] = useState<Conversation>();
  const [messages, setMessages] = useState<Message[]>();
  const [notes, setNotes] = useState<Note[]>([]);
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  const replyBox = useRef<ReplyBoxHandle>(null);
  const snoozeButton = useRef<HTMLButtonElement>(null);
  const [olderCursor, setOlderCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const list = useRef<HTMLOListElement>(null);
  const stickToBottom = useRef(true);
  const heading = useRef<HTMLHeadingElement>(null);

  const reload = useCallback(async () => {
    try {
      const [loaded, page, notePage] = await Promise.all([
        conversationsApi.get(id),
        conversationsApi.messages(id),
        conversationsApi.notes(id),
      ]);
      setConversation(loaded);
      setNotes((current) => mergeNotes(current, notePage.items));
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
    noteCreated: (note) => {
      if (note.conversationId === id) setNotes((current) => mergeNotes(current, [note]));
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

  const change = useAction(async (changes: ConversationChanges) => {
    setConversation(await conversationsApi.update(id, changes));
    setSnoozeOpen(false);
  });
  const isAdmin = user.role === 'admin';
  // Admins pick anyone active; agents only themselves (the server refuses the rest).
  const users = useLoad(
    () => (isAdmin ? usersApi.list().then((page) => page.items) : Promise.resolve<User[]>([])),
    [isAdmin],
  );

  const resolveOrReopen = () =>
    void change.run({ status: conversation?.status === 'open' ? 'closed' : 'open' });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isShortcut(event) || !conversation) return;
      const actions: Record<string, () => void> = {
        r: () => replyBox.current?.focus('text'),
        n: () => replyBox.current?.focus('note'),
        a: () => void change.run({ assigneeId: user.id }),
        e: resolveOrReopen,
        s: () => {
          setSnoozeOpen(true);
          snoozeButton.current?.focus();
        },
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [conversation, user.id]);

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
        <div class="thread-actions">
          <div class="field inline-field">
            <label for="conversation-assignee">Assignee</label>
            <select
              id="conversation-assignee"
              value={conversation.assigneeId ?? ''}
              disabled={change.busy}
              onChange={(event) => void change.run({ assigneeId: event.currentTarget.value || null })}
            >
              <option value="">Unassigned</option>
              <option value={user.id}>Me ({user.name ?? user.email})</option>
              {(users.data ?? [])
                .filter((candidate) => candidate.id !== user.id && !candidate.disabled)
                .map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name ?? candidate.email}
                  </option>
                ))}
              {conversation.assigneeId &&
              conversation.assigneeId !== user.id &&
              !users.data?.some((candidate) => candidate.id === conversation.assigneeId) ? (
                <option value={conversation.assigneeId}>A colleague</option>
              ) : null}
            </select>
          </div>
          <p class="small conversation-state" role="status">
            <span class={`badge conversation-${conversation.status}`}>
              {conversation.status[0].toUpperCase() + conversation.status.slice(1)}
            </span>
            {conversation.snoozedUntil ? ` until ${formatDateTime(conversation.snoozedUntil)}` : ''}
          </p>
          <button
            type="button"
            class="secondary small-button"
            aria-keyshortcuts="e"
            disabled={change.busy}
            onClick={resolveOrReopen}
          >
            {conversation.status === 'open' ? 'Resolve' : 'Reopen'}
          </button>
          <button
            type="button"
            class="secondary small-button"
            aria-keyshortcuts="s"
            aria-expanded={snoozeOpen}
            aria-controls="snooze-menu"
            ref={snoozeButton}
            onClick={() => setSnoozeOpen(!snoozeOpen)}
          >
            Snooze
          </button>
          {conversation.status !== 'archived' ? (
            <button
              type="button"
              class="link-button small"
              disabled={change.busy}
              onClick={() => void change.run({ status: 'archived' })}
            >
              Archive
            </button>
          ) : null}
        </div>
      </header>
      {snoozeOpen ? (
        <SnoozeMenu
          onSnooze={(until) => void change.run({ status: 'snoozed', snoozedUntil: until.toISOString() })}
          onClose={() => {
            setSnoozeOpen(false);
            snoozeButton.current?.focus();
          }}
        />
      ) : null}
      <ErrorAlert error={change.error} context="Could not change the conversation" />
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
        {messages.length === 0 && notes.length === 0 ? <li class="empty">No messages yet.</li> : null}
        {interleave(messages, notes).map((item) =>
          'direction' in item ? (
            <MessageItem key={item.id} message={item} />
          ) : (
            <NoteItem key={item.id} note={item} users={users.data} me={user} />
          ),
        )}
      </ol>
      <ReplyBox
        controls={replyBox}
        conversation={conversation}
        channel={channel}
        onNoted={(note) => {
          stickToBottom.current = true;
          setNotes((current) => mergeNotes(current, [note]));
        }}
        onSent={async (messageId) => {
          stickToBottom.current = true;
          add(await messagesApi.get(messageId));
        }}
      />
    </article>
  );
}

function SnoozeMenu({ onSnooze, onClose }: { onSnooze: (until: Date) => void; onClose: () => void }) {
  const [custom, setCustom] = useState(() => toLocalInput(SNOOZE_PRESETS[1].until(new Date())));
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div
      id="snooze-menu"
      class="snooze-menu"
      role="group"
      aria-label="Snooze until"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      {SNOOZE_PRESETS.map((preset, index) => (
        <button
          key={preset.label}
          type="button"
          class="secondary small-button"
          ref={index === 0 ? first : undefined}
          onClick={() => onSnooze(preset.until(new Date()))}
        >
          {preset.label}
        </button>
      ))}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (custom) onSnooze(new Date(custom));
        }}
      >
        <label for="snooze-custom">Custom time</label>
        <input
          id="snooze-custom"
          type="datetime-local"
          value={custom}
          onInput={(event) => setCustom(event.currentTarget.value)}
        />
        <button type="submit" class="secondary small-button">
          Snooze until then
        </button>
      </form>
      <button type="button" class="link-button small" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}

function NoteItem({ note, users, me }: { note: Note; users: User[] | undefined; me: Me }) {
  const author =
    note.authorId === me.id
      ? 'You'
      : (users?.find((candidate) => candidate.id === note.authorId)?.name ?? 'A colleague');
  return (
    <li class="note">
      <p class="note-label small">
        <strong>Internal note</strong> · {author} · not sent to the contact
      </p>
      <p class="message-text">{note.text}</p>
      <p class="message-meta small">
        <time dateTime={note.createdAt}>{formatWhen(note.createdAt)}</time>
      </p>
    </li>
  );
}

/** Messages and notes together, oldest first. */
function interleave(messages: Message[], notes: Note[]): Array<Message | Note> {
  return [...messages, ...notes].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}

function mergeNotes(first: Note[], second: Note[]): Note[] {
  const byId = new Map([...first, ...second].map((note) => [note.id, note]));
  return [...byId.values()].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
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
  held: 0,
  skipped: 0,
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
