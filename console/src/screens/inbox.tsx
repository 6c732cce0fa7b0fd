import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

import { conversationsApi, MAX_PAGE_SIZE } from '../api/endpoints';
import {
  type Conversation,
  CONVERSATION_STATUSES,
  type ConversationStatus,
  type Me,
  type Message,
} from '../api/models';
import { channelLabel, useChannels } from '../channels-cache';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { isShortcut, ShortcutsHelp } from '../components/shortcuts-help';
import { contactName, contentSummary, formatWhen } from '../format';
import { useDebounced } from '../hooks';
import { useInboxEvents } from '../live-inbox';
import { Link, type Location, navigate, setQuery } from '../router';
import { Thread } from './inbox-thread';

const PAGE_SIZE = 50;

interface Filter {
  status: ConversationStatus | undefined;
  search: string;
  /** A user's id, `none`, or undefined for everyone's. */
  assigneeId: string | undefined;
}

/** Whose conversations the list shows; the inbox opens on the signed-in user's own. */
const ASSIGNEE_FILTERS = [
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'all', label: 'All' },
] as const;
type AssigneeFilter = (typeof ASSIGNEE_FILTERS)[number]['value'];

export function Inbox({
  conversationId,
  location,
  user,
}: {
  conversationId?: string;
  location: Location;
  user: Me;
}) {
  // The inbox opens on Open + Mine; `status=any` shows every status.
  const statusParam = location.query.get('status') ?? 'open';
  const status = CONVERSATION_STATUSES.find((value) => value === statusParam);
  const assignee: AssigneeFilter =
    ASSIGNEE_FILTERS.find((filter) => filter.value === location.query.get('assignee'))?.value ?? 'mine';
  const assigneeId = assignee === 'mine' ? user.id : assignee === 'unassigned' ? 'none' : undefined;
  const search = location.query.get('q') ?? '';
  const [showShortcuts, setShowShortcuts] = useState(false);
  const [searchInput, setSearchInput] = useState(search);
  const debouncedSearch = useDebounced(searchInput.trim());
  const channels = useChannels();
  const [announcement, setAnnouncement] = useState('');
  const [live, setLive] = useState(false);

  useEffect(() => {
    if (debouncedSearch !== search) setQuery({ q: debouncedSearch || undefined });
  }, [debouncedSearch]);

  const list = useConversationList({ status, search, assigneeId });

  const query = location.query.toString();
  const suffix = query ? `?${query}` : '';

  // j / k move through the list, ? lists the shortcuts.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isShortcut(event)) return;
      if (event.key === '?') {
        event.preventDefault();
        setShowShortcuts(true);
      } else if ((event.key === 'j' || event.key === 'k') && list.items && list.items.length > 0) {
        event.preventDefault();
        const index = list.items.findIndex((item) => item.id === conversationId);
        const next =
          index < 0 ? 0 : Math.min(list.items.length - 1, Math.max(0, index + (event.key === 'j' ? 1 : -1)));
        navigate(`/inbox/${list.items[next].id}${suffix}`);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [list.items, conversationId, suffix]);

  useInboxEvents({
    messageCreated: (message: Message) => {
      list.refreshSoon();
      if (message.direction === 'inbound') {
        setAnnouncement(
          `New message from ${message.address ?? 'a contact'}: ${contentSummary(message.content)}`,
        );
      }
    },
    // An assignment or status change can move a conversation into or out of the filtered list.
    conversationUpdated: (conversation) => {
      list.replace(conversation);
      list.refreshSoon();
    },
    connected: (reconnected) => {
      setLive(true);
      if (reconnected) list.refreshSoon();
    },
    disconnected: () => setLive(false),
  });

  return (
    <div class={`inbox${conversationId ? ' has-thread' : ''}`}>
      <section class="conversation-list" aria-labelledby="inbox-title">
        <PageHeading title="Inbox" id="inbox-title">
          <button
            type="button"
            class="link-button small"
            aria-keyshortcuts="?"
            onClick={() => setShowShortcuts(true)}
          >
            Keyboard shortcuts
          </button>
        </PageHeading>
        <div class="segmented" role="group" aria-label="Whose conversations">
          {ASSIGNEE_FILTERS.map((filter) => (
            <button
              key={filter.value}
              type="button"
              class="segment"
              aria-pressed={assignee === filter.value}
              onClick={() => setQuery({ assignee: filter.value === 'mine' ? undefined : filter.value })}
            >
              {filter.label}
            </button>
          ))}
        </div>
        <p class={`live-indicator${live ? ' is-live' : ''}`}>
          {live ? 'Live: new messages appear here' : 'Connecting to live updates…'}
        </p>
        <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
          <div class="field">
            <label for="inbox-search">Search conversations</label>
            <input
              id="inbox-search"
              type="search"
              placeholder="Name or number"
              value={searchInput}
              onInput={(event) => setSearchInput(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="inbox-status">Status</label>
            <select
              id="inbox-status"
              value={status ?? 'any'}
              onChange={(event) =>
                setQuery({
                  status: event.currentTarget.value === 'open' ? undefined : event.currentTarget.value,
                })
              }
            >
              <option value="any">Any status</option>
              {CONVERSATION_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {value[0].toUpperCase() + value.slice(1)}
                </option>
              ))}
            </select>
          </div>
        </form>
        <ErrorAlert error={list.error} context="Could not load conversations" />
        {list.items === undefined ? (
          <Loading what="conversations" />
        ) : list.items.length === 0 ? (
          <p class="empty">
            {search || status || assigneeId
              ? 'No conversation matches these filters.'
              : 'No conversations yet. Inbound messages start one.'}
          </p>
        ) : (
          <ul class="conversations" aria-label="Conversations, newest first">
            {list.items.map((conversation) => (
              <li key={conversation.id}>
                <Link
                  to={`/inbox/${conversation.id}${suffix}`}
                  class={`conversation${conversation.unreadCount > 0 ? ' unread' : ''}`}
                  aria-current={conversation.id === conversationId ? 'true' : undefined}
                >
                  <span class="conversation-top">
                    <span class="conversation-name">{contactName(conversation.contact)}</span>
                    <time dateTime={conversation.lastMessageAt}>
                      {formatWhen(conversation.lastMessageAt)}
                    </time>
                  </span>
                  <span class="conversation-bottom">
                    <span class="preview">{conversation.lastMessagePreview ?? 'No messages'}</span>
                    {conversation.unreadCount > 0 ? (
                      <span class="badge unread-badge">
                        {conversation.unreadCount}
                        <span class="visually-hidden"> unread</span>
                      </span>
                    ) : null}
                  </span>
                  <span class="conversation-channel small muted">
                    {channelLabel(channels?.find((channel) => channel.id === conversation.channelId))}
                    {conversation.status !== 'open' ? ` · ${conversation.status}` : ''}
                    {conversation.assigneeId === null
                      ? ' · unassigned'
                      : conversation.assigneeId === user.id
                        ? ' · mine'
                        : ' · assigned'}
                    {conversation.contact.optedOut ? ' · opted out' : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {list.nextCursor ? (
          <button
            type="button"
            class="secondary"
            onClick={() => void list.loadMore()}
            disabled={list.loadingMore}
          >
            Load more conversations
          </button>
        ) : null}
      </section>
      <section class="thread-pane" aria-label="Conversation">
        {conversationId ? (
          <Thread
            key={conversationId}
            id={conversationId}
            channels={channels}
            backTo={`/inbox${suffix}`}
            user={user}
          />
        ) : (
          <p class="empty thread-placeholder">Choose a conversation to read and reply.</p>
        )}
      </section>
      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {showShortcuts ? <ShortcutsHelp onClose={() => setShowShortcuts(false)} /> : null}
    </div>
  );
}

/** The list follows the stream by re-reading its first page(s): the filters decide what belongs in it. */
function useConversationList(filter: Filter) {
  const [items, setItems] = useState<Conversation[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  const request = useRef(0);
  const loaded = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const refresh = useCallback(async () => {
    const id = ++request.current;
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, loaded.current));
    try {
      const page = await conversationsApi.list(
        { status: filter.status, search: filter.search || undefined, assigneeId: filter.assigneeId },
        limit,
      );
      if (id !== request.current) return;
      loaded.current = page.items.length;
      setItems(page.items);
      setNextCursor(page.nextCursor);
      setError(undefined);
    } catch (caught) {
      if (id === request.current) setError(caught);
    }
  }, [filter.status, filter.search, filter.assigneeId]);

  useEffect(() => {
    loaded.current = 0;
    setItems(undefined);
    void refresh();
    return () => clearTimeout(refreshTimer.current);
  }, [refresh]);

  return {
    items,
    nextCursor,
    error,
    loadingMore,
    /** Several events in a burst cause one re-read. */
    refreshSoon: () => {
      clearTimeout(refreshTimer.current);
      refreshTimer.current = setTimeout(() => void refresh(), 150);
    },
    replace: (conversation: Conversation) =>
      setItems((current) => current?.map((item) => (item.id === conversation.id ? conversation : item))),
    loadMore: async () => {
      if (!nextCursor) return;
      setLoadingMore(true);
      const id = request.current;
      try {
        const page = await conversationsApi.list(
          { status: filter.status, search: filter.search || undefined, assigneeId: filter.assigneeId },
          PAGE_SIZE,
          nextCursor,
        );
        if (id !== request.current) return;
        setItems((current) => {
          const known = new Set(current?.map((item) => item.id));
          const merged = [...(current ?? []), ...page.items.filter((item) => !known.has(item.id))];
          loaded.current = merged.length;
          return merged;
        });
        setNextCursor(page.nextCursor);
      } catch (caught) {
        setError(caught);
      } finally {
        setLoadingMore(false);
      }
    },
  };
}
