import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AppProcess, freePort, startAppProcess } from '../../support/app-process.js';
import { createIsolatedDatabase } from '../../support/isolated-database.js';
import { HttpClient, login, type TokenPair } from './http-client.js';
import { distinctSecret } from './leak-detection.js';

export interface ServerUnderTest {
  process: AppProcess;
  client: HttpClient;
  /** Also PUBLIC_BASE_URL: the server signs and checks Plivo URLs against it. */
  url: string;
  databaseUrl: string;
  jwtSecret: string;
  credentialsKey: string;
  admin: { email: string; password: string };
  loginAdmin(): Promise<TokenPair>;
  /** Stops the server (if still running) and drops what was created for it. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Environment variables on top of the defaults below. */
  env?: Record<string, string>;
  /** A database to use instead of a fresh isolated one (which is dropped on close). */
  databaseUrl?: string;
}

/**
 * The built server (`node dist/src/main.js`) as a child process with a first admin, its own data
 * directory and, unless given one, its own database: a crash, a log line or a row is its alone.
 */
export async function startServerUnderTest(options: ServerOptions = {}): Promise<ServerUnderTest> {
  const isolated = options.databaseUrl ? undefined : await createIsolatedDatabase();
  const databaseUrl = options.databaseUrl ?? isolated!.url;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-reliability-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const admin = {
    email: `admin-${randomBytes(6).toString('hex')}@example.com`,
    password: distinctSecret('AdminPassword'),
  };
  const jwtSecret = randomBytes(32).toString('hex');
  const credentialsKey = randomBytes(32).toString('base64');
  const cleanUp = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await isolated?.destroy();
  };
  let child: AppProcess;
  try {
    child = await startAppProcess({
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      CREDENTIALS_KEY: credentialsKey,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
      // The API fixtures include an event webhook endpoint on a loopback address.
      WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: 'true',
      ...options.env,
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const client = new HttpClient(url);
  return {
    process: child,
    client,
    url,
    databaseUrl,
    jwtSecret,
    credentialsKey,
    admin,
    loginAdmin: () => login(client, admin.email, admin.password),
    close: async () => {
      if (child.child.exitCode === null && child.child.signalCode === null) await child.stop();
      await cleanUp();
    },
  };
}

/** True while the child process has neither exited nor been killed. */
export const isAlive = (server: ServerUnderTest) =>
  server.process.child.exitCode === null && server.process.child.signalCode === null;
