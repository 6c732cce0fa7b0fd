import 'reflect-metadata';

import { parseArgs } from 'node:util';

import { DataSource } from 'typeorm';

import { DomainError } from './common/errors/domain-error.js';
import { assertUserRules } from './common/validation/user-rules.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { EmbeddedDatabase } from './database/embedded-database.js';
import { runMigrations } from './database/run-migrations.js';
import { PasswordHasher } from './users/password-hasher.js';
import { User } from './users/user.entity.js';
import { UsersService } from './users/users.service.js';

const USAGE = `Usage:
  npm run cli -- create-admin --email <email> --password <password> [--name <name>]
  npm run cli -- migrate`;

/**
 * Admin tasks from the shell. Uses DATABASE_URL, or the embedded database: the one a running
 * server is serving when there is one (two processes must never open the same data directory),
 * otherwise its own.
 */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandLine(argv);
  const [command] = positionals;
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (!command) throw new UsageError('No command given');
  if (command !== 'create-admin' && command !== 'migrate')
    throw new UsageError(`Unknown command "${command}"`);
  if (command === 'create-admin' && (!values.email || !values.password)) {
    throw new UsageError('create-admin needs --email and --password');
  }
  // Checked before any database is opened: the same rules as the API and ADMIN_PASSWORD.
  if (command === 'create-admin')
    assertUserRules({ email: values.email!.trim(), password: values.password! });

  const config = loadConfig();
  const runningUrl = config.databaseUrl ?? EmbeddedDatabase.runningUrl(config.dataDir);
  const embedded = runningUrl ? undefined : await EmbeddedDatabase.start(config.dataDir);
  const dataSource = new DataSource(dataSourceOptions(runningUrl ?? embedded!.url, 2));
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    if (command === 'migrate') {
      process.stdout.write(`Applied ${applied.length} migration(s)\n`);
      return;
    }
    const users = new UsersService(dataSource.getRepository(User), new PasswordHasher());
    const admin = await users.create({
      email: values.email!,
      password: values.password!,
      name: values.name,
      role: 'admin',
    });
    process.stdout.write(`Created admin ${admin.email} (${admin.id})\n`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    // An unknown or incomplete option: parseArgs' own message, then the usage.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n${USAGE}\n`);
  else if (error instanceof ConfigError || error instanceof DomainError)
    process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
