import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MAIN, runNode } from './support/app-process.js';

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
