import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

import { PgliteServer } from './pglite-server.js';

const LOCK_FILE = 'embedded-db.lock';
/** The extensions the migrations create, loaded into PGlite (PostgreSQL ships them as contrib). */
const EXTENSIONS = { pg_trgm };

interface LockContents {
  pid: number;
  url: string;
}

export class EmbeddedDatabaseInUseError extends Error {
  override readonly name = 'EmbeddedDatabaseInUseError';
}

/**
 * The embedded PostgreSQL (PGlite) used when no DATABASE_URL is set. It is served over a loopback
 * port (see PgliteServer) so that TypeORM's ordinary `pg` driver and its pool work unchanged. Two processes on one
 * data directory corrupt it silently, so a lock file in DATA_DIR records the owner's pid and URL;
 * other processes (the CLI) connect to that URL instead of opening the directory themselves.
 */
export class EmbeddedDatabase {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PgliteServer,
    private readonly lockPath: string,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedDatabase> {
    mkdirSync(dataDir, { recursive: true });
    const lockPath = join(dataDir, LOCK_FILE);
    acquireLock(lockPath);
    try {
      const db = await PGlite.create({ dataDir: join(dataDir, 'pgdata'), extensions: EXTENSIONS });
      const server = new PgliteServer(db);
      const url = `postgres://postgres@127.0.0.1:${await server.listen()}/postgres`;
      writeLock(lockPath, { pid: process.pid, url });
      return new EmbeddedDatabase(db, server, lockPath, url);
    } catch (error) {
      rmSync(lockPath, { force: true });
      throw error;
    }
  }

  /** The URL of the embedded database that another live process on this DATA_DIR is serving, if any. */
  static runningUrl(dataDir: string): string | undefined {
    const lock = readLock(join(dataDir, LOCK_FILE));
    return lock && lock.pid !== process.pid && isAlive(lock.pid) && lock.url ? lock.url : undefined;
  }

  async stop(): Promise<void> {
    await this.server.close();
    await this.db.close();
    rmSync(this.lockPath, { force: true });
  }
}

function acquireLock(lockPath: string): void {
  try {
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, url: '' }), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = readLock(lockPath);
  if (holder && isAlive(holder.pid) && holder.pid !== process.pid) {
    throw new EmbeddedDatabaseInUseError(
      `The embedded database in ${lockPath} is in use by process ${holder.pid}; stop it or set DATABASE_URL`,
    );
  }
  // The previous owner died without cleaning up: the lock is stale.
  rmSync(lockPath, { force: true });
  writeFileSync(lockPath, JSON.stringify({ pid: process.pid, url: '' }), { flag: 'wx' });
}

function writeLock(lockPath: string, contents: LockContents): void {
  writeFileSync(lockPath, JSON.stringify(contents));
}

function readLock(lockPath: string): LockContents | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockContents;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
