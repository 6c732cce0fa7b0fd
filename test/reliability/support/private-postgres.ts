import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../../support/app-process.js';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries installed the Debian way, unless PG_BIN names a directory. */
function serverBinaries(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`No PostgreSQL server binaries under ${root}; set PG_BIN`);
  return join(root, newest, 'bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A PostgreSQL cluster of its own (initdb in a temporary directory, its own port), so a test can
 * crash and restart a real server without touching the machine's shared one. initdb and the
 * server refuse to run as root, so under root they run as the `postgres` OS user.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly asRoot: boolean,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const bin = serverBinaries();
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-private-pg-'));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const { uid, gid } = await postgresUser();
      chownSync(dir, uid, gid);
    }
    const cluster = new PrivatePostgres(bin, dir, await freePort(), asRoot);
    await cluster.exec('initdb', [
      '-D',
      cluster.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Starts the server (after a crash this includes WAL recovery) and returns once it accepts connections. */
  async start(): Promise<void> {
    await this.exec('pg_ctl', [
      'start',
      '-w',
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      // fsync off: an immediate stop kills processes, not the machine, so the OS keeps every write.
      '-o',
      `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
  }

  /** Kills the server the hard way (`-m immediate`: no checkpoint, clients cut off mid-query), as a crash would. */
  async crash(): Promise<void> {
    await this.exec('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', this.dataDir]);
  }

  /** Stops the server if it runs and deletes the cluster. */
  async destroy(): Promise<void> {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      await this.exec('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', this.dataDir]).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async exec(program: string, args: string[]): Promise<void> {
    const path = join(this.bin, program);
    const [file, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    try {
      await run(file, argv, { cwd: this.dir, timeout: 60_000 });
    } catch (error) {
      const detail = error as { stdout?: string; stderr?: string; message?: string };
      throw new Error(
        `${program} ${args.join(' ')} failed: ${detail.message}\n${detail.stdout ?? ''}${detail.stderr ?? ''}`,
        { cause: error },
      );
    }
  }
}
