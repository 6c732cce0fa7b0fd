import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { withDatabase } from '../../src/database/database-url.js';

export interface IsolatedDatabase {
  url: string;
  /** Makes the database unreachable (PGlite: stops serving it; PostgreSQL: refuses and drops connections). */
  takeDown(): Promise<void>;
  bringUp(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A database of its own, for tests that need an empty schema or that break the database on
 * purpose, so the rest of the suite (sharing the run's database) is not disturbed.
 */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const serverUrl = process.env.TEST_DATABASE_SERVER_URL;
  return serverUrl ? isolatedPostgres(serverUrl) : isolatedPglite();
}

async function isolatedPostgres(serverUrl: string): Promise<IsolatedDatabase> {
  const name = `switchboard_iso_${Date.now()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return {
    url: withDatabase(serverUrl, name),
    takeDown: async () => {
      await admin(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    },
    bringUp: () => admin(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`),
    destroy: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function isolatedPglite(): Promise<IsolatedDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-iso-'));
  let child = await startPgliteProcess(dir, 0);
  const port = child.port;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    takeDown: () => child.stop(),
    bringUp: async () => {
      child = await startPgliteProcess(dir, port);
    },
    destroy: async () => {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startPgliteProcess(
  dir: string,
  port: number,
): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, 'pglite-process.mjs'), dir, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readyPort = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`PGlite process exited with ${code}`)));
  });
  return {
    port: readyPort,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
