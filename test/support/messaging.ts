import { randomInt } from 'node:crypto';

import type { FakePlivoServer } from '../fakes/fake-plivo.server.js';
import type { FakeSinchConversationServer } from '../fakes/fake-sinch-conversation.server.js';
import type { FakeSinchSmsServer } from '../fakes/fake-sinch-sms.server.js';
import { createIsolatedDatabase } from './isolated-database.js';
import { bearer, startTestApp, type TestApp } from './test-app.js';
import { waitFor, type WaitOptions } from './wait-for.js';

/** Where the tests pretend the server is reachable from outside: webhook URLs and Plivo signatures use it. */
export const PUBLIC_BASE_URL = 'http://switchboard.test';

/** An app whose providers are told the server is at PUBLIC_BASE_URL (startTestApp shares one CREDENTIALS_KEY). */
export function startMessagingApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ PUBLIC_BASE_URL, ...env });
}

/**
 * An app on a database of its own, for tests whose assertions depend on this instance's settings
 * or counters: on the shared database, the other test files' apps dispatch each other's campaigns
 * with their own settings. `close` also drops the database.
 */
export async function startIsolatedMessagingApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createIsolatedDatabase();
  const sut = await startMessagingApp({ DATABASE_URL: database.url, ...env });
  return {
    ...sut,
    close: async () => {
      await sut.close();
      await database.destroy();
    },
  };
}

/** A random valid US number (+1 <area> NXX XXXX): unique enough that parallel test files never share a contact. */
export function randomPhone(areaCode = '415'): string {
  return `+1${areaCode}${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/**
 * A random valid Australian number whose prefix (+61 8) spans zones with different clocks (Adelaide
 * and Perth), so no zone can be derived from it. +61 8 69… is not a valid range: stay below it.
 */
export function zonelessPhone(): string {
  return `+618${randomInt(60_000_000, 69_000_000)}`;
}

type Caller = { accessToken: string };

export interface ChannelInput {
  name: string;
  provider: string;
  sender: string;
  config: Record<string, unknown>;
}

export interface ChannelView {
  id: string;
  name: string;
  provider: string;
  sender: string;
  config: Record<string, unknown>;
  webhookUrls: { callback?: string; inbound?: string; status?: string };
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SendResult {
  id: string;
  status: string;
  conversationId: string;
  clientReference: string;
}

export interface MessageView {
  id: string;
  direction: 'inbound' | 'outbound';
  channelId: string;
  contactId: string;
  conversationId: string;
  address: string | null;
  content: Record<string, unknown>;
  status: string;
  statusReason: string | null;
  errorCode: string | null;
  attempts: number;
  providerMessageId: string | null;
  clientReference: string | null;
  createdAt: string;
  statusUpdatedAt: string;
}

let channelSequence = 0;
const channelName = (provider: string) => `${provider} e2e ${process.pid}-${++channelSequence}`;

export const sinchSmsChannel = (
  fake: FakeSinchSmsServer,
  config: Record<string, unknown> = {},
  sender = '+12025550142',
): ChannelInput => ({
  name: channelName('sinch-sms'),
  provider: 'sinch-sms',
  sender,
  config: {
    servicePlanId: fake.servicePlanId,
    apiToken: fake.apiToken,
    region: 'us',
    baseUrl: fake.url,
    ...config,
  },
});

export const CONVERSATION_WEBHOOK_SECRET = 'conversation-webhook-secret-e2e';

export const sinchConversationChannel = (
  fake: FakeSinchConversationServer,
  config: Record<string, unknown> = {},
  sender = '+12025550143',
): ChannelInput => ({
  name: channelName('sinch-conversation'),
  provider: 'sinch-conversation',
  sender,
  config: {
    projectId: fake.projectId,
    appId: fake.appId,
    keyId: fake.keyId,
    keySecret: fake.keySecret,
    region: 'eu',
    channel: 'SMS',
    webhookSecret: CONVERSATION_WEBHOOK_SECRET,
    baseUrl: fake.url,
    authUrl: fake.url,
    ...config,
  },
});

export const plivoChannel = (
  fake: FakePlivoServer,
  config: Record<string, unknown> = {},
  sender = '+12025550144',
): ChannelInput => ({
  name: channelName('plivo'),
  provider: 'plivo',
  sender,
  config: { authId: fake.authId, authToken: fake.authToken, baseUrl: fake.url, ...config },
});

export const sandboxChannel = (config: Record<string, unknown> = {}): ChannelInput => ({
  name: channelName('sandbox'),
  provider: 'sandbox',
  sender: '+12025550145',
  config: { deliveryDelayMs: 200, ...config },
});

export async function createChannel(sut: TestApp, admin: Caller, input: ChannelInput): Promise<ChannelView> {
  const response = await sut.http.post('/api/v1/channels').set(bearer(admin)).send(input);
  if (response.status !== 201)
    throw new Error(`creating a ${input.provider} channel answered ${response.status}: ${response.text}`);
  return response.body as ChannelView;
}

export async function sendMessage(
  sut: TestApp,
  user: Caller,
  body: Record<string, unknown>,
): Promise<SendResult> {
  const response = await sut.http.post('/api/v1/messages').set(bearer(user)).send(body);
  if (response.status !== 202)
    throw new Error(`POST /messages answered ${response.status}: ${response.text}`);
  return response.body as SendResult;
}

export async function getMessage(sut: TestApp, user: Caller, id: string): Promise<MessageView> {
  const response = await sut.http.get(`/api/v1/messages/${id}`).set(bearer(user)).expect(200);
  return response.body as MessageView;
}

export function waitForMessageStatus(
  sut: TestApp,
  user: Caller,
  id: string,
  status: string,
  options: WaitOptions = {},
): Promise<MessageView> {
  return waitFor(
    () => getMessage(sut, user, id),
    (message) => message.status === status,
    { description: `message ${id} to become ${status}`, ...options },
  );
}

/** Rows in the webhook inbox for a channel (stored events, processed or not). */
export async function webhookEventCount(sut: TestApp, channelId: string): Promise<number> {
  const [row] = await sut.dataSource.query<Array<{ count: string }>>(
    `SELECT count(*) AS count FROM webhook_events WHERE channel_id = $1`,
    [channelId],
  );
  return Number(row.count);
}

/**
 * Waits until every stored webhook event of the channel has been tried at least once: applied, or
 * failed with an error recorded (a report about an unknown message stays in the inbox for retries).
 */
export function waitForWebhooksProcessed(sut: TestApp, channelId: string, atLeast = 1): Promise<unknown> {
  return waitFor(
    () =>
      sut.dataSource.query<Array<{ total: string; untried: string }>>(
        `SELECT count(*) AS total, count(*) FILTER (WHERE processed_at IS NULL AND last_error IS NULL) AS untried
           FROM webhook_events WHERE channel_id = $1`,
        [channelId],
      ),
    ([row]) => Number(row.total) >= atLeast && Number(row.untried) === 0,
    { description: `webhook events of channel ${channelId} to be processed` },
  );
}

export interface StoredMessageRow {
  id: string;
  direction: string;
  status: string;
  recipient: string | null;
  content: { kind: string; text?: string };
}

/** Messages of a channel found by the provider's id, straight from the table. */
export function messagesByProviderId(
  sut: TestApp,
  channelId: string,
  providerMessageId: string,
): Promise<StoredMessageRow[]> {
  return sut.dataSource.query<StoredMessageRow[]>(
    `SELECT id, direction, status, recipient, content FROM messages WHERE channel_id = $1 AND provider_message_id = $2`,
    [channelId, providerMessageId],
  );
}

/** A contact's consent and WhatsApp-window columns, by phone (the contacts API is not used here). */
export async function contactState(
  sut: TestApp,
  phone: string,
): Promise<{ optedOutAt: Date | null; waWindowExpiresAt: Date | null } | undefined> {
  const [row] = await sut.dataSource.query<
    Array<{ opted_out_at: Date | null; wa_window_expires_at: Date | null }>
  >(`SELECT opted_out_at, wa_window_expires_at FROM contacts WHERE phone = $1`, [phone]);
  return row ? { optedOutAt: row.opted_out_at, waWindowExpiresAt: row.wa_window_expires_at } : undefined;
}

/** Webhook processing runs after the 2xx, possibly on another instance: wait for its effect on the contact. */
export function waitForContact(
  sut: TestApp,
  phone: string,
  until: (state: { optedOutAt: Date | null; waWindowExpiresAt: Date | null }) => boolean,
  description: string,
): Promise<unknown> {
  return waitFor(
    () => contactState(sut, phone),
    (state) => state !== undefined && until(state),
    { description, timeoutMs: 30_000, intervalMs: 150 },
  );
}
