import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'main.js');
const CLOCK_TICKS_PER_SECOND = 100;

export interface BenchAdmin {
  email: string;
  password: string;
}

export interface AppProcess {
  url: string;
  port: number;
  pid: number;
  /** CPU seconds (user + system) the server process has used so far; undefined where /proc is missing. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Runs the built server (`node dist/src/main.js`) in its own process, as an operator would, so the
 * load generator does not share its event loop. `PUBLIC_BASE_URL` is the address it listens on,
 * which is what Plivo signatures are computed over.
 */
export async function startAppProcess(options: {
  databaseUrl: string;
  admin: BenchAdmin;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<AppProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // e.g. APP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server.
  const nodeArgs = (process.env.APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      PUBLIC_BASE_URL: url,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      ADMIN_EMAIL: options.admin.email,
      ADMIN_PASSWORD: options.admin.password,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...options.env,
    },
    // The server's own log lines go to stderr with the progress lines: stdout carries only the JSON result.
    stdio: ['ignore', 2, 2],
  });
  await waitUntilReady(child, url, options.readyTimeoutMs ?? 60_000);
  return {
    url,
    port,
    pid: child.pid!,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    stop: () => stop(child),
  };
}

async function waitUntilReady(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The server exited with code ${child.exitCode} before it was ready`);
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`The server was not ready within ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function cpuSecondsOf(pid: number): number | undefined {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the parenthesised command name.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
