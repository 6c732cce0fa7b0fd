import { type INestApplication, Logger } from '@nestjs/common';

import { createApp } from './app.factory.js';
import type { AppConfig } from './config/app-config.js';
import { EmbeddedDatabase } from './database/embedded-database.js';

export interface RunningServer {
  app: INestApplication;
  url: string;
  stop(): Promise<void>;
}

/** Starts the embedded database when no DATABASE_URL is set, then the app, listening on config.port. */
export async function startServer(config: AppConfig): Promise<RunningServer> {
  const embedded = config.databaseUrl ? undefined : await EmbeddedDatabase.start(config.dataDir);
  try {
    const app = await createApp(embedded ? config.withDatabaseUrl(embedded.url) : config);
    await app.listen(config.port);
    const url = (await app.getUrl()).replace('[::1]', 'localhost');
    new Logger('Switchboard').log(
      `Switchboard listening on ${url} (API docs at ${url}/docs, database: ${embedded ? `embedded in ${config.dataDir}` : 'PostgreSQL'})`,
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
