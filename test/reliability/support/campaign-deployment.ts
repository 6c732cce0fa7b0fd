import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AppProcess, startAppProcess } from '../../support/app-process.js';
import { createIsolatedDatabase, type IsolatedDatabase } from '../../support/isolated-database.js';

export const DEPLOYMENT_ADMIN = {
  email: 'reliability-admin@example.com',
  password: 'reliability-admin-passphrase',
};

/** Where providers are told to send callbacks; nothing listens there, the fakes send none. */
const PUBLIC_BASE_URL = 'http://switchboard.test';

export interface DeploymentOptions {
  /** CAMPAIGN_DISPATCH_INTERVAL_MS of every instance. */
  dispatchIntervalMs: number;
  /** More environment for every instance, e.g. a short PROVIDER_TIMEOUT_MS (or LOG_LEVEL, `warn` by default). */
  env?: Record<string, string>;
}

/**
 * One Switchboard deployment as an operator runs it: app processes (`node dist/src/main.js`)
 * sharing one database of their own and one set of secrets, so a token or a channel secret
 * written by one instance is valid on every other, and after a restart.
 */
export class CampaignDeployment {
  private readonly running = new Set<AppProcess>();
  private readonly started: AppProcess[] = [];
  private readonly killOnExit = () => this.running.forEach((app) => app.child.kill('SIGKILL'));

  private constructor(
    readonly database: IsolatedDatabase,
    private readonly dataDir: string,
    private readonly options: DeploymentOptions,
  ) {
    // A crashed test run must not leave servers behind either.
    process.once('exit', this.killOnExit);
  }

  static async create(options: DeploymentOptions): Promise<CampaignDeployment> {
    const database = await createIsolatedDatabase();
    return new CampaignDeployment(database, mkdtempSync(join(tmpdir(), 'switchboard-reliability-')), options);
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  /** Starts one more instance and waits until it is ready; the first one migrates and creates the admin. */
  async startInstance(): Promise<AppProcess> {
    const app = await startAppProcess(
      {
        DATABASE_URL: this.database.url,
        DATA_DIR: this.dataDir,
        JWT_SECRET: 'reliability-suite-jwt-secret-0123456789abcdef',
        CREDENTIALS_KEY: Buffer.alloc(32, 0x6c).toString('base64'),
        ADMIN_EMAIL: DEPLOYMENT_ADMIN.email,
        ADMIN_PASSWORD: DEPLOYMENT_ADMIN.password,
        PUBLIC_BASE_URL,
        CAMPAIGN_DISPATCH_INTERVAL_MS: String(this.options.dispatchIntervalMs),
        // Their output is kept for failure messages: warnings and errors are what explains one.
        LOG_LEVEL: 'warn',
        ...this.options.env,
      },
      60_000,
    );
    this.running.add(app);
    this.started.push(app);
    app.child.once('exit', () => this.running.delete(app));
    return app;
  }

  /** Rethrows `error` with the end of every instance's output, for a failure to be diagnosable. */
  readonly explain = (error: unknown): never => {
    const logs = this.started.map(
      (app, i) =>
        `--- instance ${i + 1} (${app.url}), last output:\n${app.output().split('\n').slice(-30).join('\n')}`,
    );
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs.join('\n')}`);
  };

  /** SIGKILL: no shutdown hook runs, whatever the instance held in memory or in flight is lost. */
  async crash(app: AppProcess): Promise<void> {
    if (app.child.exitCode !== null || app.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => app.child.once('exit', () => resolve()));
    app.child.kill('SIGKILL');
    await exited;
  }

  /** Kills every instance still running, then drops the database. */
  async destroy(): Promise<void> {
    await Promise.all([...this.running].map((app) => this.crash(app)));
    process.off('exit', this.killOnExit);
    await this.database.destroy();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
