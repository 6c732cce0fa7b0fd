import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

import { type AppProcess, startAppProcess } from './support/app-process.js';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SECTION = '## First campaign in five minutes';
const ADMIN = { ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'a long passphrase' };

/** The section's shell blocks, in order, as one script. */
function quickStartScript(): string {
  const start = README.indexOf(SECTION);
  if (start === -1) throw new Error(`README has no "${SECTION}" section`);
  const end = README.indexOf('\n## ', start + SECTION.length);
  const section = README.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
}

function runShell(
  script: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the README's commands did not finish:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** README's walkthrough, pasted as a newcomer would, against a server started as README says. */
describe('README', () => {
  let server: AppProcess;

  beforeAll(async () => {
    server = await startAppProcess({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-readme-')),
      ...ADMIN,
    });
  });
  afterAll(() => server?.stop());

  it('links only to files inside the repository, and they exist', () => {
    const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => join('docs', name))];
    for (const document of documents) {
      const text = readFileSync(join(ROOT, document), 'utf8');
      // Markdown links, and documents named in code spans (`docs/operations.md`).
      const targets = [
        ...[...text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((match) => match[1]),
        ...[...text.matchAll(/`([^`\s]+\.md)`/g)].map((match) => match[1]),
      ];
      for (const target of targets) {
        if (/^[a-z]+:/i.test(target)) continue;
        const fromDocument = resolve(ROOT, dirname(document), target);
        const path = existsSync(fromDocument) ? fromDocument : resolve(ROOT, target);
        expect({
          document,
          target,
          inside: !relative(ROOT, path).startsWith('..'),
          exists: existsSync(path),
        }).toEqual({
          document,
          target,
          inside: true,
          exists: true,
        });
      }
    }
  });

  it('starts the server with the admin the walkthrough logs in as', () => {
    expect(README).toContain(
      `ADMIN_EMAIL=${ADMIN.ADMIN_EMAIL} ADMIN_PASSWORD='${ADMIN.ADMIN_PASSWORD}' npm start`,
    );
  });

  it('runs "first campaign in five minutes" to a completed campaign', async () => {
    const script = quickStartScript().replaceAll('http://localhost:3000', server.url);
    expect(script.match(/curl /g)?.length).toBeGreaterThanOrEqual(6);

    const result = await runShell(script, mkdtempSync(join(tmpdir(), 'switchboard-readme-shell-')));

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('{"imported":2,"updated":0,"rejected":[],"rejectedCount":0}');
    const stats = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(stats).toMatchObject({ total: 2, queued: 0, failed: 0 });
    expect(stats.sent + stats.delivered).toBe(2);
  });
});
