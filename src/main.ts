import 'reflect-metadata';
// First, so the heap setting holds while the rest of the app loads.
import './heap-growth.js';

import { ConfigError, loadConfig } from './config/load-config.js';
import { EmbeddedDatabaseInUseError } from './database/embedded-database.js';
import { PortInUseError, startServer } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(
      `${JSON.stringify({ level: 30, time: Date.now(), msg: `Received ${signal}, shutting down` })}\n`,
    );
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Expected start-up failures get one clear line; anything else keeps its stack for debugging.
  if (
    error instanceof ConfigError ||
    error instanceof EmbeddedDatabaseInUseError ||
    error instanceof PortInUseError
  ) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Switchboard failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
