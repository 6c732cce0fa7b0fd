import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Role } from '../../src/users/user.entity.js';
import { UsersService } from '../../src/users/users.service.js';

export interface TestApp {
  app: INestApplication;
  /** supertest bound to the real listening server. */
  http: ReturnType<typeof request>;
  url: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The real application on the run's database, listening on a random loopback port. `env` overrides
 * individual variables exactly as an operator would set them.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl)
    throw new Error('TEST_DATABASE_URL is not set: run e2e tests through jest (global setup)');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-e2e-')),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    // Several apps share the run's database at once: keep each one's share of connections small.
    DATABASE_POOL_SIZE: '4',
    // One key for every app on the shared database: any app's jobs may handle another's channels, and
    // any test may list every channel, so each must be able to open the others' channel secrets.
    CREDENTIALS_KEY: Buffer.alloc(32, 0x5b).toString('base64'),
    PORT: '0',
    // Login throttling is counted in the database, which the whole run shares, and every test logs in
    // from 127.0.0.1: the per-address limit would add up across files. The throttling spec sets its
    // own limits and client addresses.
    LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
    ...env,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    http: request(url),
    url,
    dataSource: app.get(DataSource),
    close: () => app.close(),
  };
}

let sequence = 0;

/** A unique email per call, so tests sharing one database never collide. */
export function uniqueEmail(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${sequence}@example.com`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
}

/** Creates a user directly through the service and logs in over HTTP. */
export async function createUserAndLogin(
  testApp: TestApp,
  role: Role,
  overrides: { password?: string } = {},
): Promise<TestUser> {
  const email = uniqueEmail(role);
  const password = overrides.password ?? 'a sufficiently long password';
  const user = await testApp.app.get(UsersService).create({ email, password, role, name: `Test ${role}` });
  const response = await testApp.http.post('/api/v1/auth/login').send({ email, password }).expect(200);
  const body = response.body as { accessToken: string; refreshToken: string };
  return {
    id: user.id,
    email,
    password,
    role,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
  };
}

export const bearer = (user: { accessToken: string }) => ({ Authorization: `Bearer ${user.accessToken}` });
