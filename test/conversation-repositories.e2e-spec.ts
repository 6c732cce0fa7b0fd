import { randomUUID } from 'node:crypto';

import type { DataSource, EntityManager } from 'typeorm';

import type { WebhookEvent } from '../src/channels/providers/channel-provider.interface.js';
import { Conversation } from '../src/conversations/conversation.entity.js';
import { ConversationsRepository } from '../src/conversations/conversations.repository.js';
import { InboxEventFeed } from '../src/conversations/inbox-event-feed.js';
import { InboxEventLog } from '../src/conversations/inbox-event-log.js';
import { InboxEvents } from '../src/conversations/inbox-events.js';
import { Message } from '../src/conversations/message.entity.js';
import { MessagesRepository } from '../src/conversations/messages.repository.js';
import { WebhookEventsRepository } from '../src/webhooks/webhook-events.repository.js';
import { createMigratedDatabase, type MigratedDatabase } from './support/migrated-database.js';

/**
 * The repositories' important statements against a real database of their own (PostgreSQL, or
 * PGlite without DATABASE_URL): what only the database can show, such as row locks between two
 * workers and the status ranking done in SQL.
 */
const ON_POSTGRES = Boolean(process.env.TEST_DATABASE_SERVER_URL);
const UNKNOWN_MESSAGE = { maxAttempts: 2, error: 'No message matches this delivery report' };

let database: MigratedDatabase;
let dataSource: DataSource;
let webhookEvents: WebhookEventsRepository;
let messages: MessagesRepository;
let conversations: ConversationsRepository;
let channelId: string;
let contactId: string;

beforeAll(async () => {
  database = await createMigratedDatabase(4);
  dataSource = database.dataSource;
  webhookEvents = new WebhookEventsRepository(dataSource);
  messages = new MessagesRepository(dataSource.getRepository(Message), dataSource);
  conversations = new ConversationsRepository(dataSource.getRepository(Conversation), dataSource);
  [{ id: channelId }] = await dataSource.query<Array<{ id: string }>>(
    `INSERT INTO channels (name, provider, sender, encrypted_secrets, webhook_token)
     VALUES ('Sandbox', 'sandbox', '+12025550142', 'unused', 'token') RETURNING id`,
  );
  [{ id: contactId }] = await dataSource.query<Array<{ id: string }>>(
    `INSERT INTO contacts (phone) VALUES ('+14155550100') RETURNING id`,
  );
});

afterAll(async () => {
  await database?.destroy();
});

const inboundEvent = (key: string): WebhookEvent & { type: 'inbound-message' } => ({
  type: 'inbound-message',
  dedupKey: key,
  providerMessageId: key,
  from: '+14155550100',
  to: '+12025550142',
  text: 'Hello',
  receivedAt: new Date(),
});

const deliveryEvent = (providerMessageId: string, status: 'sent' | 'delivered' | 'read') =>
  ({
    type: 'delivery-status',
    dedupKey: `${providerMessageId}:${status}:${randomUUID()}`,
    providerMessageId,
    status,
    providerStatus: status.toUpperCase(),
  }) as const;

/** A single outbound message the provider accepted as `providerMessageId`. */
async function sentMessage(providerMessageId: string): Promise<string> {
  const conversationId = await conversations.findOrCreate(contactId, channelId);
  const id = randomUUID();
  await messages.insertOutbound(dataSource.manager, {
    id,
    channelId,
    contactId,
    conversationId,
    recipient: '+14155550100',
    content: { kind: 'text', text: 'Hi' },
    status: 'queued',
    clientReference: `sb_${id.replaceAll('-', '')}`,
    attempts: 1,
    sendingUntil: new Date(Date.now() + 60_000),
  });
  await messages.recordAccepted(dataSource.manager, id, providerMessageId, null);
  return id;
}

const statusOf = async (id: string) => (await messages.findById(id))?.status;

/** Runs `work` in a transaction kept open until `release` is called. */
function openTransaction<T>(work: (tx: EntityManager) => Promise<T>) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let resolveResult: (value: T) => void = () => {};
  const result = new Promise<T>((resolve) => (resolveResult = resolve));
  const done = dataSource.transaction(async (tx) => {
    resolveResult(await work(tx));
    await released;
  });
  return { result, release, done };
}

describe('WebhookEventsRepository', () => {
  it('stores an event once: the same key again creates no row', async () => {
    const event = inboundEvent(`mo-${randomUUID()}`);

    const first = await webhookEvents.insertNew([{ provider: 'sandbox', channelId, event }]);
    const again = await webhookEvents.insertNew([{ provider: 'sandbox', channelId, event }]);

    expect(first).toEqual([expect.objectContaining({ type: 'inbound-message', dedup_key: event.dedupKey })]);
    expect(again).toEqual([]);
  });

  it('gives an inline event to one worker only', async () => {
    const [row] = await webhookEvents.insertNew([
      { provider: 'sandbox', channelId, event: inboundEvent(`mo-${randomUUID()}`) },
    ]);

    const claims = await Promise.all([webhookEvents.claimInline(row.id), webhookEvents.claimInline(row.id)]);

    expect(claims.filter((claim) => claim !== undefined)).toEqual([
      expect.objectContaining({ id: row.id, attempts: 1, channel_id: channelId }),
    ]);
    expect(await webhookEvents.dueInline(1000)).not.toContain(row.id);
  });

  it('applies a delivery report on one instance only, skipping the ones another is applying', async () => {
    const rows = await webhookEvents.insertNew(
      ['a', 'b'].map((name) => ({
        provider: 'sandbox' as const,
        channelId,
        event: deliveryEvent(`pm-${name}-${randomUUID()}`, 'delivered'),
      })),
    );
    const ids = rows.map((row) => row.id);
    const first = openTransaction(async (tx) => {
      const claimed = await webhookEvents.claimDeliveryReports(tx, ids, false);
      await webhookEvents.recordDeliveryReportOutcomes(tx, ids, [true, true], UNKNOWN_MESSAGE);
      return claimed;
    });
    expect((await first.result).map((row) => row.id).sort()).toEqual([...ids].sort());

    const second = dataSource.transaction((tx) => webhookEvents.claimDeliveryReports(tx, ids, false));
    // PostgreSQL answers the second instance while the first still holds the rows (SKIP LOCKED);
    // PGlite serves one transaction at a time, so there it runs once the first has committed.
    if (ON_POSTGRES) {
      expect(await second).toEqual([]);
      first.release();
    } else {
      first.release();
      expect(await second).toEqual([]);
    }
    await first.done;
  });

  it('closes reports about known messages and gives up on unknown ones after the allowed attempts', async () => {
    const [known, unknown] = await webhookEvents.insertNew(
      ['known', 'unknown'].map((name) => ({
        provider: 'sandbox' as const,
        channelId,
        event: deliveryEvent(`pm-${name}-${randomUUID()}`, 'delivered'),
      })),
    );
    const policy = UNKNOWN_MESSAGE;
    const record = () =>
      dataSource.transaction((tx) =>
        webhookEvents.recordDeliveryReportOutcomes(tx, [known.id, unknown.id], [true, false], policy),
      );
    const stateOf = async (id: string) => {
      const [row] = await dataSource.query<Array<{ processed: boolean; last_error: string | null }>>(
        `SELECT processed_at IS NOT NULL AS processed, last_error FROM webhook_events WHERE id = $1`,
        [id],
      );
      return row;
    };

    await record();
    expect(await stateOf(known.id)).toEqual({ processed: true, last_error: null });
    expect(await stateOf(unknown.id)).toEqual({ processed: false, last_error: policy.error });

    await record();
    expect(await stateOf(unknown.id)).toEqual({ processed: true, last_error: `gave up: ${policy.error}` });
  });
});

describe('MessagesRepository', () => {
  it('never moves a delivery status backwards', async () => {
    const providerMessageId = `pm-${randomUUID()}`;
    const id = await sentMessage(providerMessageId);

    const delivered = await messages.applyDeliveryReports(dataSource, [
      { channelId, event: deliveryEvent(providerMessageId, 'delivered') },
    ]);
    const late = await messages.applyDeliveryReports(dataSource, [
      { channelId, event: deliveryEvent(providerMessageId, 'sent') },
    ]);

    expect(delivered).toEqual([expect.objectContaining({ report_index: 0, id, status: 'delivered' })]);
    expect(late).toEqual([expect.objectContaining({ report_index: 0, id: null })]);
    expect(await statusOf(id)).toBe('delivered');
  });

  it('answers no row for a report about a message it does not know', async () => {
    const rows = await messages.applyDeliveryReports(dataSource, [
      { channelId, event: deliveryEvent(`pm-unknown-${randomUUID()}`, 'delivered') },
    ]);

    expect(rows).toEqual([]);
  });

  it('keeps a delivery report that beat the provider’s answer: accepted later stays delivered', async () => {
    const providerMessageId = `pm-${randomUUID()}`;
    const id = await sentMessage(providerMessageId);
    await messages.applyDeliveryReports(dataSource, [
      { channelId, event: deliveryEvent(providerMessageId, 'delivered') },
    ]);

    await messages.recordAccepted(dataSource.manager, id, providerMessageId, null);

    expect(await statusOf(id)).toBe('delivered');
  });

  it('stores an inbound message once per provider id', async () => {
    const conversationId = await conversations.findOrCreate(contactId, channelId);
    const message = {
      channelId,
      contactId,
      conversationId,
      from: '+14155550100',
      content: { kind: 'text' as const, text: 'Hello' },
      providerMessageId: `mo-${randomUUID()}`,
      receivedAt: new Date(),
    };

    const first = await messages.insertInbound(dataSource.manager, message);
    const again = await messages.insertInbound(dataSource.manager, message);

    expect(first).toEqual(expect.any(String));
    expect(again).toBeUndefined();
    expect(await messages.findInboundId(channelId, message.providerMessageId)).toBe(first);
  });

  it('gives a message waiting for its send limit to one sender only', async () => {
    const id = await sentMessage(`pm-${randomUUID()}`);
    await dataSource.query(`UPDATE messages SET status = 'queued' WHERE id = $1`, [id]);
    await messages.waitForSendLimit(
      dataSource.manager,
      id,
      60_000,
      'Waiting for the channel’s sending limit',
    );

    const claims = await Promise.all([messages.claimReserved(id, 120), messages.claimReserved(id, 120)]);

    expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
  });
});

describe('ConversationsRepository', () => {
  it('creates one conversation per contact and channel, however many ask at once', async () => {
    const [{ id: contact }] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO contacts (phone) VALUES ('+14155550199') RETURNING id`,
    );

    const ids = await Promise.all([1, 2, 3].map(() => conversations.findOrCreate(contact, channelId)));

    expect(new Set(ids).size).toBe(1);
  });

  it('refuses an agent’s change to a conversation a colleague holds', async () => {
    const [colleague, agent] = await dataSource.query<Array<{ id: string }>>(
      `INSERT INTO users (email, role, password_hash)
       VALUES ($1, 'agent', 'x'), ($2, 'agent', 'x') RETURNING id`,
      [`colleague-${randomUUID()}@example.com`, `agent-${randomUUID()}@example.com`],
    );
    const id = await conversations.findOrCreate(contactId, channelId);
    const change = {
      id,
      changingStatus: false,
      status: 'open' as const,
      snoozedUntil: null,
      assigning: true,
    };
    await conversations.applyWorkflowChange(dataSource.manager, {
      ...change,
      assigneeId: colleague.id,
      onlyIfAssignableBy: null,
    });

    const taken = await conversations.applyWorkflowChange(dataSource.manager, {
      ...change,
      assigneeId: agent.id,
      onlyIfAssignableBy: agent.id,
    });

    expect(taken).toBe(false);
    expect((await conversations.findRow(id))?.assigneeId).toBe(colleague.id);
  });
});

describe('InboxEvents', () => {
  it('logs the events of a change exactly when the change commits', async () => {
    const log = new InboxEventLog(dataSource);
    const events = new InboxEvents(log, new InboxEventFeed(log, dataSource), dataSource);
    const conversationId = await conversations.findOrCreate(contactId, channelId);
    const before = await log.lastId();

    await expect(
      events.inTransaction(async (tx) => {
        await conversations.flagOptOutRequest(tx, conversationId);
        await events.publish(tx, 'conversation.updated', { id: conversationId, change: 'rolled back' });
        throw new Error('the change fails after its event was logged');
      }),
    ).rejects.toThrow('the change fails');
    expect((await conversations.findRow(conversationId))?.optOutRequestedAt).toBeNull();

    await events.inTransaction(async (tx) => {
      await conversations.flagOptOutRequest(tx, conversationId);
      await events.publish(tx, 'conversation.updated', { id: conversationId, change: 'committed' });
    });

    expect((await log.after(before, 10)).map((event) => event.data)).toEqual([
      { id: conversationId, change: 'committed' },
    ]);
    expect((await conversations.findRow(conversationId))?.optOutRequestedAt).toBeInstanceOf(Date);
  });
});
