import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AppProcess, startAppProcess } from '../../support/app-process.js';

export const ADMIN = { email: 'admin@example.com', password: 'a long passphrase for the console' };

export interface ConsoleServer {
  url: string;
  /** The admin's API, for arranging what a test is not about. */
  api: AdminApi;
  stop(): Promise<void>;
}

/**
 * The built server as a user runs it (`node dist/src/main.js`) on the embedded database, in a data
 * directory of its own, with a first admin. The console it serves is console/dist.
 */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-browser-'));
  let app: AppProcess;
  try {
    app = await startAppProcess(
      {
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        ...env,
      },
      60_000,
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const api = await AdminApi.signIn(app.url);
  return {
    url: app.url,
    api,
    stop: async () => {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ChannelView {
  id: string;
  name: string;
  webhookUrls: Record<string, string>;
}

interface ContactView {
  id: string;
  phone: string | null;
  optedOut: boolean;
}

interface ConversationView {
  id: string;
  status: string;
  assigneeId: string | null;
  snoozedUntil: string | null;
  contact: { phone: string | null };
}

interface MessageView {
  id: string;
  status: string;
  conversationId: string;
}

class AdminApi {
  private constructor(
    private readonly baseUrl: string,
    private accessToken: string,
  ) {}

  static async signIn(baseUrl: string): Promise<AdminApi> {
    return new AdminApi(baseUrl, await logIn(baseUrl));
  }

  createSandboxChannel(
    name: string,
    config: Record<string, unknown> = { deliveryDelayMs: 200 },
  ): Promise<ChannelView> {
    return this.call('POST', '/channels', { name, provider: 'sandbox', sender: '+12025550142', config });
  }

  createContact(contact: {
    phone: string;
    firstName?: string;
    name?: string;
    tags?: string[];
  }): Promise<ContactView> {
    return this.call('POST', '/contacts', contact);
  }

  createUser(user: {
    email: string;
    password: string;
    role: 'admin' | 'agent';
    name?: string;
  }): Promise<{ id: string }> {
    return this.call('POST', '/users', user);
  }

  /** The sandbox receives a message exactly as a provider's webhook would bring it. */
  simulateInbound(channelId: string, from: string, text: string): Promise<{ providerMessageId: string }> {
    return this.call('POST', `/channels/${channelId}/simulate-inbound`, { from, text });
  }

  send(channelId: string, to: string, text: string): Promise<MessageView> {
    return this.call('POST', '/messages', { channelId, to, text });
  }

  conversations(query: string): Promise<{ items: ConversationView[] }> {
    return this.call('GET', `/conversations?${query}`);
  }

  messagesOf(
    conversationId: string,
  ): Promise<{ items: Array<{ direction: string; content: { text?: string } }> }> {
    return this.call('GET', `/conversations/${conversationId}/messages`);
  }

  createCannedResponse(shortcode: string, text: string): Promise<{ id: string }> {
    return this.call('POST', '/canned-responses', { shortcode, text });
  }

  contacts(search: string): Promise<{ items: ContactView[] }> {
    return this.call('GET', `/contacts?search=${encodeURIComponent(search)}`);
  }

  /** Signs in again once the access token has expired (some tests make it short-lived). */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await request<T>(this.baseUrl, method, path, this.accessToken, body);
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      this.accessToken = await logIn(this.baseUrl);
      return request<T>(this.baseUrl, method, path, this.accessToken, body);
    }
  }
}

class UnauthorizedError extends Error {}

async function logIn(baseUrl: string): Promise<string> {
  return (await request<{ accessToken: string }>(baseUrl, 'POST', '/auth/login', undefined, ADMIN))
    .accessToken;
}

async function request<T>(
  baseUrl: string,
  method: string,
  path: string,
  accessToken: string | undefined,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    const message = `${method} ${path} answered ${response.status}: ${text}`;
    throw response.status === 401 ? new UnauthorizedError(message) : new Error(message);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
