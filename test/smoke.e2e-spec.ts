import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AppProcess, CLI, MAIN, runNode, startAppProcess } from './support/app-process.js';

/**
 * What a new user does: start the built server with no database configured (the embedded one),
 * log in with the admin from the environment, restart, and find everything still there.
 */
describe('Smoke: the built server on the embedded database', () => {
  let dataDir: string;
  let server: AppProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-smoke-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const login = async (url: string, email: string, password: string) =>
    fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  it('starts, creates the first admin from the environment and serves the API and its docs', async () => {
    server = await startAppProcess({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'first admin password',
    });

    const response = await login(server.url, 'admin@example.com', 'first admin password');
    expect(response.status).toBe(200);
    const { accessToken } = (await response.json()) as { accessToken: string };
    const me = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(await me.json()).toMatchObject({ email: 'admin@example.com', role: 'admin' });
    expect((await fetch(`${server.url}/docs`)).status).toBe(200);
  });

  it('lets the CLI create another admin while the server runs', async () => {
    const result = await runNode(
      CLI,
      ['create-admin', '--email', 'ops@example.com', '--password', 'second admin password'],
      {
        DATA_DIR: dataDir,
      },
    );

    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('Created admin ops@example.com');
    expect((await login(server!.url, 'ops@example.com', 'second admin password')).status).toBe(200);
  });

  it('refuses a second server on the same data directory', async () => {
    const second = await runNode(MAIN, [], { DATA_DIR: dataDir, PORT: '0' });

    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by process \d+/);
  });

  it('stops cleanly and keeps every user across a restart', async () => {
    expect(await server!.stop()).toBe(0);

    server = await startAppProcess({ DATA_DIR: dataDir });

    expect((await login(server.url, 'admin@example.com', 'first admin password')).status).toBe(200);
    expect((await login(server.url, 'ops@example.com', 'second admin password')).status).toBe(200);
  });
});
