import { createServer } from 'node:net';

import { type INestApplication, Logger } from '@nestjs/common';

import { API_PREFIX, createApp } from './app.factory.js';
import type { AppConfig } from './config/app-config.js';
import { EmbeddedDatabase } from './database/embedded-database.js';

/** Another process holds the port: a start-up failure the user fixes, told in one line. */
export class PortInUseError extends Error {
  constructor(port: number) {
    super(`Port ${port} is already in use: stop the process that holds it, or set PORT to another port.`);
  }
}

/**
 * Fails before the database starts (seconds) when the port is taken, with the one-line error
 * rather than Nest's own log line and stack. `listen` below still catches a port taken in between.
 */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

async function listen(app: INestApplication, port: number): Promise<void> {
  try {
    await app.listen(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') throw new PortInUseError(port);
    throw error;
  }
}

export interface RunningServer {
  app: INestApplication;
  url: string;
  stop(): Promise<void>;
}

/** Starts the embedded database when no DATABASE_URL is set, then the app, listening on config.port. */
export async function startServer(config: AppConfig): Promise<RunningServer> {
  if (config.port !== 0) await assertPortFree(config.port);
  const embedded = config.databaseUrl ? undefined : await EmbeddedDatabase.start(config.dataDir);
  try {
    const app = await createApp(embedded ? config.withDatabaseUrl(embedded.url) : config);
    await listen(app, config.port);
    const url = (await app.getUrl()).replace('[::1]', 'localhost');
    new Logger('Switchboard').log(
      `Switchboard ready: API ${url}/${API_PREFIX}, docs ${url}/docs, console ${url}/console (database: ${embedded ? `embedded in ${config.dataDir}` : 'PostgreSQL'})`,
    );
    return {
      app,
      url,
      stop: async () => {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
