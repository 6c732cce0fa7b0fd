import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CLI, runNode } from './support/app-process.js';

describe('The admin CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  const cli = (...args: string[]) => runNode(CLI, args, { DATA_DIR: dataDir });

  it.each([[[]], [['make-coffee']], [['create-admin', '--emial', 'a@example.com']]])(
    'prints the usage and exits 1 for %j',
    async (args) => {
      const result = await cli(...args);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Usage:');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('prints the usage and exits 0 when asked for help', async () => {
    const result = await cli('--help');

    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage:') as unknown });
  });

  it.each([
    [['--email', 'not-an-email', '--password', 'a long passphrase'], 'email must be an email address'],
    [['--email', 'admin@example.com', '--password', 'short'], 'password must be at least 8 characters'],
  ])('refuses an admin the API would refuse (%j)', async (args, message) => {
    const result = await cli('create-admin', ...args);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(message);
  });
});
