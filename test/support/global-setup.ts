// Runs in jest's parent process, outside its module mapper: import packages only, no project files.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

interface TestDatabase {
  url: string;
  engine: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

declare global {
  var __SWITCHBOARD_TEST_DB__: TestDatabase | undefined;
}

const ROOT = join(__dirname, '..', '..');

/**
 * One database for the whole e2e run: a fresh PostgreSQL database when DATABASE_URL names a server
 * (CI), otherwise an embedded PGlite served by a child process. It is migrated once here; apps also
 * migrate at start, which is then a no-op. Workers read TEST_DATABASE_URL.
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  const database = serverUrl ? await createPostgresDatabase(serverUrl) : await createPgliteDatabase();
  globalThis.__SWITCHBOARD_TEST_DB__ = database;
  await migrate(database.url);
  process.env.TEST_DATABASE_URL = database.url;
  process.env.TEST_DATABASE_ENGINE = database.engine;
  if (serverUrl) process.env.TEST_DATABASE_SERVER_URL = serverUrl;
  process.stdout.write(`\ne2e database: ${database.engine}\n`);
}

async function migrate(url: string): Promise<void> {
  const cli = join(ROOT, 'dist', 'src', 'cli.js');
  if (!existsSync(cli))
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before the e2e tests');
  const child = spawn(process.execPath, [cli, 'migrate'], { env: { ...process.env, DATABASE_URL: url } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`Migrating the test database failed:\n${stderr}`);
}

async function createPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `switchboard_test_${Date.now()}_${process.pid}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    engine: 'postgres',
    drop: () =>
      withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pglite-'));
  const child = spawn(process.execPath, [join(__dirname, 'pglite-process.mjs'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await readyPort(child);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    engine: 'pglite',
    drop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readyPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the PGlite process exited with ${code}`)));
  });
}

async function withClient(url: string, work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
