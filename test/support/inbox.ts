import {
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
} from 'node:http';

import type { MessageView } from './messaging.js';
import { bearer, type TestApp } from './test-app.js';
import { waitFor, type WaitOptions } from './wait-for.js';

/** Helpers for the two-way inbox: conversations, threads, auto-replies, simulated inbound and the SSE stream. */

type Caller = { accessToken: string };

export interface ConversationView {
  id: string;
  channelId: string;
  contact: {
    id: string;
    phone: string | null;
    name: string | null;
    firstName: string | null;
    lastName: string | null;
    optedOut: boolean;
    whatsappWindowExpiresAt: string | null;
  };
  status: string;
  assigneeId: string | null;
  snoozedUntil: string | null;
  lastMessageAt: string;
  lastMessagePreview: string | null;
  unreadCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface PageView<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AutoReplyView {
  id: string;
  builtin: 'opt_out' | 'opt_in' | 'help' | null;
  keywords: string[];
  match: 'exact' | 'startsWith' | 'contains';
  reply: string;
  channelId: string | null;
  action: 'none' | 'opt_out' | 'opt_in';
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ContactView {
  id: string;
  phone: string | null;
  name: string | null;
  optedOut: boolean;
  optedOutAt: string | null;
}

const query = (params: Record<string, string | number | undefined>) =>
  Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');

export async function listConversations(
  sut: TestApp,
  user: Caller,
  params: Record<string, string | number | undefined>,
): Promise<PageView<ConversationView>> {
  const response = await sut.http.get(`/api/v1/conversations?${query(params)}`).set(bearer(user));
  if (response.status !== 200)
    throw new Error(`GET /conversations?${query(params)} answered ${response.status}: ${response.text}`);
  return response.body as PageView<ConversationView>;
}

/** The conversation of `phone` on the channel, found through the inbox's own search (by number digits). */
async function findConversation(
  sut: TestApp,
  user: Caller,
  channelId: string,
  phone: string,
): Promise<ConversationView | undefined> {
  const page = await listConversations(sut, user, {
    channelId,
    search: phone.replace(/\D/g, ''),
    limit: 200,
  });
  return page.items.find((item) => item.contact.phone === phone);
}

export function waitForConversation(
  sut: TestApp,
  user: Caller,
  channelId: string,
  phone: string,
  until: (conversation: ConversationView) => boolean = () => true,
  options: WaitOptions = {},
): Promise<ConversationView> {
  return waitFor(
    () => findConversation(sut, user, channelId, phone),
    (conversation) => conversation !== undefined && until(conversation),
    { description: `the conversation with ${phone} on channel ${channelId}`, ...options },
  ) as Promise<ConversationView>;
}

export async function getConversation(sut: TestApp, user: Caller, id: string): Promise<ConversationView> {
  const response = await sut.http.get(`/api/v1/conversations/${id}`).set(bearer(user));
  if (response.status !== 200)
    throw new Error(`GET /conversations/${id} answered ${response.status}: ${response.text}`);
  return response.body as ConversationView;
}

export async function threadPage(
  sut: TestApp,
  user: Caller,
  conversationId: string,
  params: Record<string, string | number | undefined> = {},
): Promise<PageView<MessageView>> {
  const response = await sut.http
    .get(`/api/v1/conversations/${conversationId}/messages?${query(params)}`)
    .set(bearer(user));
  if (response.status !== 200)
    throw new Error(`GET thread ${conversationId} answered ${response.status}: ${response.text}`);
  return response.body as PageView<MessageView>;
}

/** Every message of the conversation, oldest first (walking the pages back in time). */
export async function wholeThread(
  sut: TestApp,
  user: Caller,
  conversationId: string,
): Promise<MessageView[]> {
  const pages: MessageView[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await threadPage(sut, user, conversationId, { limit: 200, cursor });
    pages.unshift(page.items);
    if (!page.nextCursor) return pages.flat();
    cursor = page.nextCursor;
  }
  throw new Error('the thread did not end after 100 pages');
}

export async function getContact(sut: TestApp, user: Caller, id: string): Promise<ContactView> {
  const response = await sut.http.get(`/api/v1/contacts/${id}`).set(bearer(user));
  if (response.status !== 200)
    throw new Error(`GET /contacts/${id} answered ${response.status}: ${response.text}`);
  return response.body as ContactView;
}

/** Makes a sandbox channel receive `text` from `from`; returns the simulated provider message id. */
export async function simulateInbound(
  sut: TestApp,
  admin: Caller,
  channelId: string,
  from: string,
  text: string,
): Promise<string> {
  const response = await sut.http
    .post(`/api/v1/channels/${channelId}/simulate-inbound`)
    .set(bearer(admin))
    .send({ from, text });
  if (response.status !== 202)
    throw new Error(`simulate-inbound answered ${response.status}: ${response.text}`);
  return (response.body as { providerMessageId: string }).providerMessageId;
}

/**
 * Waits until the webhook event carrying the inbound message `providerMessageId` has been applied
 * (processing includes consent keywords and auto-replies), and fails if it failed.
 */
export async function waitForInboundProcessed(
  sut: TestApp,
  channelId: string,
  providerMessageId: string,
  timeoutMs = 30_000,
): Promise<void> {
  const [row] = await waitFor(
    () =>
      sut.dataSource.query<Array<{ processed_at: Date | null; last_error: string | null }>>(
        `SELECT processed_at, last_error FROM webhook_events
          WHERE channel_id = $1 AND type = 'inbound-message' AND payload->>'providerMessageId' = $2`,
        [channelId, providerMessageId],
      ),
    (rows) => rows.length > 0 && (rows[0].processed_at !== null || rows[0].last_error !== null),
    { description: `inbound ${providerMessageId} to be processed`, timeoutMs, intervalMs: 100 },
  );
  if (row.last_error !== null)
    throw new Error(`processing inbound ${providerMessageId} failed: ${row.last_error}`);
  // An auto-reply is stored while the inbound is processed and handed to the provider just after.
  await waitFor(
    () =>
      sut.dataSource.query<Array<{ pending: string }>>(
        `SELECT count(*) AS pending FROM messages WHERE channel_id = $1 AND direction = 'outbound' AND status = 'queued' AND sending_until IS NOT NULL`,
        [channelId],
      ),
    (rows) => Number(rows[0].pending) === 0,
    {
      description: `replies on channel ${channelId} to be handed to the provider`,
      timeoutMs,
      intervalMs: 50,
    },
  );
}

/** Every auto-reply (walking the pages), built-ins included. */
export async function allAutoReplies(sut: TestApp, user: Caller): Promise<AutoReplyView[]> {
  const items: AutoReplyView[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const response = await sut.http
      .get(`/api/v1/auto-replies?${query({ limit: 200, cursor })}`)
      .set(bearer(user));
    if (response.status !== 200)
      throw new Error(`GET /auto-replies answered ${response.status}: ${response.text}`);
    const page = response.body as PageView<AutoReplyView>;
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error('the auto-reply list did not end');
}

export async function builtinReplies(
  sut: TestApp,
  user: Caller,
): Promise<Record<'opt_out' | 'opt_in' | 'help', AutoReplyView>> {
  const all = await allAutoReplies(sut, user);
  const find = (kind: 'opt_out' | 'opt_in' | 'help') => {
    const rule = all.find((item) => item.builtin === kind);
    if (!rule) throw new Error(`the built-in ${kind} auto-reply is not listed`);
    return rule;
  };
  return { opt_out: find('opt_out'), opt_in: find('opt_in'), help: find('help') };
}

/**
 * Test files share one database and run in parallel: a test that edits a built-in reply text
 * appends this marker (and restores the text right after), so that other files can still recognise
 * the built-in reply by its original text.
 */
const EDIT_MARKER = ' [edited by an e2e test ';

export const editedBuiltinText = (original: string, tag: string) =>
  `${originalBuiltinText(original)}${EDIT_MARKER}${tag}]`;

export const originalBuiltinText = (text: string) => text.split(EDIT_MARKER)[0];

/** Plivo XML answer: the `<Message>` elements, with attributes and text unescaped. */
export interface PlivoXmlMessage {
  src: string;
  dst: string;
  text: string;
  rawText: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const known = ENTITIES[name];
    if (known === undefined) throw new Error(`unknown XML entity ${whole}`);
    return known;
  });
}

export function plivoXmlMessages(xml: string): PlivoXmlMessage[] {
  const messages: PlivoXmlMessage[] = [];
  for (const match of xml.matchAll(/<Message\b([^>]*)>([^<]*)<\/Message>/g)) {
    const attributes = Object.fromEntries(
      [...match[1].matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((a) => [a[1], unescapeXml(a[2])]),
    );
    messages.push({
      src: attributes.src ?? '',
      dst: attributes.dst ?? '',
      text: unescapeXml(match[2]),
      rawText: match[2],
    });
  }
  return messages;
}

/** One Server-Sent Events block: a comment, or an event with its data. */
export interface SseEvent {
  comment?: string;
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal SSE client over node:http, so the test sees the raw lines and can hang up at will. */
export class SseClient {
  readonly events: SseEvent[] = [];
  ended = false;
  private buffer = '';
  private readonly endWaiters: Array<() => void> = [];

  private constructor(
    private readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.consume(chunk));
    const finish = () => {
      if (this.ended) return;
      this.ended = true;
      for (const waiter of this.endWaiters.splice(0)) waiter();
    };
    response.on('end', finish);
    response.on('close', finish);
    response.on('error', finish);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(url, {
        method: 'GET',
        headers: { accept: 'text/event-stream', ...headers },
        agent: false,
      });
      request.once('response', (response) => resolve(new SseClient(request, response)));
      request.once('error', reject);
      request.end();
    });
  }

  /** The client's local port: the server sees the connection coming from it. */
  get localPort(): number | undefined {
    return this.request.socket?.localPort;
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.response.headers;
  }

  /** Events of a type whose JSON data satisfies `where`. */
  matching<T>(type: string, where: (data: T) => boolean = () => true): T[] {
    return this.events
      .filter((event) => event.event === type && event.data !== undefined)
      .map((event) => JSON.parse(event.data!) as T)
      .filter(where);
  }

  async next<T>(type: string, where: (data: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
    const [found] = await waitFor(
      () => this.matching<T>(type, where),
      (items) => items.length > 0,
      { description: `an SSE ${type} event`, timeoutMs, intervalMs: 25 },
    );
    return found;
  }

  /** Resolves once the stream has ended; rejects after `timeoutMs`. */
  waitForEnd(timeoutMs = 10_000): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the SSE stream did not end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.endWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Hangs up, as a browser tab closing would. */
  close(): void {
    this.response.destroy();
    this.request.destroy();
  }

  private consume(chunk: string): void {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.events.push(parseBlock(block));
    }
  }
}

function parseBlock(block: string): SseEvent {
  const event: SseEvent = {};
  const data: string[] = [];
  const comments: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.event = value;
    if (field === 'id') event.id = value;
    if (field === 'data') data.push(value);
  }
  if (comments.length > 0) event.comment = comments.join('\n');
  if (data.length > 0) event.data = data.join('\n');
  return event;
}

/**
 * Makes the sandbox channel receive `text` from `from`, waits until it has been processed, and
 * returns the texts of the outbound messages that processing added to the conversation (the replies).
 */
export async function sandboxReplies(
  sut: TestApp,
  admin: Caller,
  channelId: string,
  from: string,
  text: string,
): Promise<string[]> {
  const existing = await findConversation(sut, admin, channelId, from);
  const seen = new Set(
    existing ? (await wholeThread(sut, admin, existing.id)).map((message) => message.id) : [],
  );
  const providerMessageId = await simulateInbound(sut, admin, channelId, from, text);
  await waitForInboundProcessed(sut, channelId, providerMessageId);
  const conversation = await waitForConversation(sut, admin, channelId, from);
  return (await wholeThread(sut, admin, conversation.id))
    .filter((message) => message.direction === 'outbound' && !seen.has(message.id))
    .map((message) => String(message.content.text));
}

/** Settles with `work`, or with `fallback` after `ms`, whichever comes first; the timer never outlives the race. */
export async function within<T, F>(work: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
