import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AppProcess, MAIN, runNode, startAppProcess } from './support/app-process.js';

describe('Start-up with bad configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-startup-'));

  it.each([
    [{ NODE_ENV: 'production', CREDENTIALS_KEY: Buffer.alloc(32, 1).toString('base64') }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'CREDENTIALS_KEY'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ CREDENTIALS_KEY: 'too-short' }, 'CREDENTIALS_KEY'],
    [{ JWT_ACCESS_TTL: 'soon' }, 'JWT_ACCESS_TTL'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ ADMIN_EMAIL: 'admin@example.com' }, 'ADMIN_PASSWORD'],
  ])('exits 1 with one line naming the variable (%o)', async (env, variable) => {
    const result = await runNode(MAIN, [], { DATA_DIR: dataDir, ...env });

    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('Start-up as a newcomer sees it', () => {
  it('exits 1 with one line naming a port another process holds', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-port-'));
      const result = await runNode(MAIN, [], { DATA_DIR: dataDir, PORT: String(port) });

      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringContaining(`Port ${port} is already in use`),
      ]);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  describe('a running server', () => {
    let server: AppProcess;

    beforeAll(async () => {
      server = await startAppProcess({ DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-ready-')) });
    });
    afterAll(() => server?.stop());

    it('logs JSON lines, none about mapping routes, and one ready line with the API, docs and console URLs', () => {
      const lines = server.output().trim().split('\n');

      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(server.output()).not.toContain('Mapped');
      const ready = lines.filter((line) => line.includes('ready'));
      expect(ready).toHaveLength(1);
      const port = new URL(server.url).port;
      for (const path of ['/api/v1', '/docs', '/console'])
        expect(ready[0]).toContain(`http://localhost:${port}${path}`);
    });

    it('sends the root to the console', async () => {
      const response = await fetch(`${server.url}/`, { redirect: 'manual' });

      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/console');
    });
  });
});
