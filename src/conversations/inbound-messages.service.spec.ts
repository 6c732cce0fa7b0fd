import type {
  ChannelContext,
  MessageContent,
  WebhookEvent,
} from '../channels/providers/channel-provider.interface.js';
import type { Contact } from '../contacts/contact.entity.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import type { EntityManager } from 'typeorm';
import type { ConversationsService } from './conversations.service.js';
import { InboundMessagesService } from './inbound-messages.service.js';
import type { InboxEvents, InboxEventType } from './inbox-events.js';
import type { Message } from './message.entity.js';
import type { MessagesRepository, NewInboundMessage } from './messages.repository.js';

type InboundEvent = Extract<WebhookEvent, { type: 'inbound-message' }>;

const SMS_CHANNEL = {
  id: 'a3c1b2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  provider: 'sinch-sms',
  sender: '+12025550142',
  config: {},
  webhookUrls: {},
} as unknown as ChannelContext;

/** Contacts by phone or channel identity, and the WhatsApp windows opened for them. */
class ContactsTable {
  readonly whatsAppWindows = new Map<string, Date>();

  findOrCreateByPhone(phone: string): Promise<Contact> {
    return Promise.resolve({ id: `contact:${phone}` } as Contact);
  }

  findOrCreateByIdentity(channel: string, identity: string): Promise<Contact> {
    return Promise.resolve({ id: `contact:${channel}:${identity}` } as Contact);
  }

  refreshWhatsAppWindow(contactId: string, receivedAt: Date): Promise<void> {
    this.whatsAppWindows.set(contactId, receivedAt);
    return Promise.resolve();
  }
}

/** One conversation per contact and channel, with its unread count and preview. */
class ConversationsTable {
  readonly unread = new Map<string, number>();
  readonly lastContent = new Map<string, MessageContent>();

  findOrCreate(contactId: string, channelId: string): Promise<string> {
    return Promise.resolve(`conversation:${contactId}:${channelId}`);
  }

  recordActivity(
    _tx: EntityManager,
    id: string,
    content: MessageContent,
    _at: Date,
    unread: boolean,
  ): Promise<void> {
    this.unread.set(id, (this.unread.get(id) ?? 0) + (unread ? 1 : 0));
    this.lastContent.set(id, content);
    return Promise.resolve();
  }
}

/** Inbound messages, unique per channel and provider message id as the table's index makes them. */
class MessagesTable implements Pick<MessagesRepository, 'insertInbound' | 'findInboundId' | 'findById'> {
  readonly rows = new Map<string, NewInboundMessage & { id: string }>();

  insertInbound(_tx: EntityManager, message: NewInboundMessage): Promise<string | undefined> {
    const key = `${message.channelId}|${message.providerMessageId}`;
    if (this.rows.has(key)) return Promise.resolve(undefined);
    const id = `message-${this.rows.size + 1}`;
    this.rows.set(key, { ...message, id });
    return Promise.resolve(id);
  }

  findInboundId(channelId: string, providerMessageId: string): Promise<string | undefined> {
    return Promise.resolve(this.rows.get(`${channelId}|${providerMessageId}`)?.id);
  }

  findById(id: string): Promise<Message | null> {
    const row = [...this.rows.values()].find((candidate) => candidate.id === id);
    if (!row) return Promise.resolve(null);
    return Promise.resolve({
      id: row.id,
      direction: 'inbound',
      channelId: row.channelId,
      contactId: row.contactId,
      conversationId: row.conversationId,
      recipient: row.from,
      content: row.content,
      status: 'received',
      statusReason: null,
      errorCode: null,
      attempts: 0,
      createdAt: row.receivedAt,
      statusUpdatedAt: row.receivedAt,
    } as unknown as Message);
  }
}

/** The inbox event log: what each transaction logged, kept only when it committed. */
class EventLog {
  readonly committed: Array<{ type: InboxEventType; data: { id?: string } }> = [];
  private pending: Array<{ type: InboxEventType; data: { id?: string } }> = [];

  async inTransaction<T>(change: (tx: EntityManager) => Promise<T>): Promise<T> {
    this.pending = [];
    const result = await change({} as EntityManager);
    this.committed.push(...this.pending);
    return result;
  }

  publish(_tx: EntityManager, type: InboxEventType, data: { id?: string }): Promise<void> {
    this.pending.push({ type, data });
    return Promise.resolve();
  }
}

function newInboundMessages() {
  const contacts = new ContactsTable();
  const conversations = new ConversationsTable();
  const messages = new MessagesTable();
  const events = new EventLog();
  const sut = new InboundMessagesService(
    contacts as unknown as ContactsService,
    conversations as unknown as ConversationsService,
    messages as unknown as MessagesRepository,
    events as unknown as InboxEvents,
  );
  return { sut, contacts, conversations, messages, events };
}

const inbound = (overrides: Partial<InboundEvent> = {}): InboundEvent => ({
  type: 'inbound-message',
  dedupKey: 'mo-1',
  providerMessageId: 'mo-1',
  from: '+14155550100',
  to: '+12025550142',
  text: 'Hello',
  receivedAt: new Date('2026-12-07T08:00:00Z'),
  ...overrides,
});

describe('InboundMessagesService', () => {
  it('stores a new message in the contact’s conversation and counts it unread', async () => {
    const { sut, conversations } = newInboundMessages();

    const received = await sut.receive(SMS_CHANNEL, inbound());

    expect(received).toEqual({
      isNew: true,
      messageId: 'message-1',
      contactId: 'contact:+14155550100',
      conversationId: `conversation:contact:+14155550100:${SMS_CHANNEL.id}`,
    });
    expect(conversations.unread.get(received.conversationId)).toBe(1);
  });

  it('logs the new message as message.created in the transaction that stores it', async () => {
    const { sut, events } = newInboundMessages();

    const received = await sut.receive(SMS_CHANNEL, inbound());

    expect(events.committed).toHaveLength(1);
    expect(events.committed[0]).toMatchObject({
      type: 'message.created',
      data: { id: received.messageId, status: 'received' },
    });
  });

  it('recognises a redelivered message: the same id, not new, not counted again, no second event', async () => {
    const { sut, conversations, messages, events } = newInboundMessages();

    const first = await sut.receive(SMS_CHANNEL, inbound());
    const again = await sut.receive(SMS_CHANNEL, inbound());

    expect(again).toEqual({ ...first, isNew: false });
    expect(messages.rows.size).toBe(1);
    expect(conversations.unread.get(first.conversationId)).toBe(1);
    expect(events.committed).toHaveLength(1);
  });

  it('stores a message with media and no text as media', async () => {
    const { sut, messages } = newInboundMessages();
    const media = [{ url: 'https://media.example.com/cat.jpg' }];

    await sut.receive(SMS_CHANNEL, inbound({ text: undefined, media }));

    expect([...messages.rows.values()][0].content).toEqual({ kind: 'media', media: media[0] });
  });

  it('opens the WhatsApp window for a WhatsApp message only', async () => {
    const { sut, contacts } = newInboundMessages();
    const receivedAt = new Date('2026-12-07T09:30:00Z');

    await sut.receive(SMS_CHANNEL, inbound({ providerMessageId: 'sms-1' }));
    await sut.receive(
      SMS_CHANNEL,
      inbound({
        providerMessageId: 'wa-1',
        from: '+14155550101',
        conversationChannel: 'WHATSAPP',
        receivedAt,
      }),
    );

    expect([...contacts.whatsAppWindows]).toEqual([['contact:+14155550101', receivedAt]]);
  });

  it('files a sender that is not a phone number under its channel identity', async () => {
    const { sut } = newInboundMessages();

    const received = await sut.receive(
      SMS_CHANNEL,
      inbound({ from: 'psid-8812', conversationChannel: 'MESSENGER' }),
    );

    expect(received.contactId).toBe('contact:MESSENGER:psid-8812');
  });
});
