import type { LogLevel } from './env.schema.js';

/**
 * The validated configuration, read once at start-up and injected wherever it is needed
 * (inject the class itself: `constructor(private readonly config: AppConfig)`).
 */
export class AppConfig {
  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }

  readonly nodeEnv!: 'development' | 'production' | 'test';
  readonly port!: number;
  /** Set when an external PostgreSQL is used; otherwise the embedded database's URL is filled in at start-up. */
  readonly databaseUrl!: string | undefined;
  readonly dataDir!: string;
  /** Connections this instance keeps to the database. */
  readonly databasePoolSize!: number;
  readonly jwt!: { secret: string; accessTtlSeconds: number; refreshTtlSeconds: number };
  readonly initialAdmin!: { email: string; password: string } | undefined;
  readonly publicBaseUrl!: string;
  /** 32-byte AES-256-GCM key for channel secrets at rest. */
  readonly credentialsKey!: Buffer;
  readonly campaignDispatchIntervalMs!: number;
  /** How often snoozed conversations whose time has come are reopened. */
  readonly snoozeWakeIntervalMs!: number;
  /** Audience members materialised per transaction (see CampaignAudienceService). */
  readonly campaignMaterialiseChunk!: number;
  /** How long an instance may hold claimed send units beyond what its rate limit needs; then they are reconciled. */
  readonly campaignLeaseSeconds!: number;
  /** Per attempt of an outbound provider request. */
  readonly providerTimeoutMs!: number;
  readonly eventWebhooks!: {
    /** Endpoints may be http and resolve to loopback, private or link-local addresses (development, tests). */
    allowPrivate: boolean;
    /** How often each instance looks for events to fan out and deliveries that are due. */
    intervalMs: number;
    /** Requests in flight per endpoint per instance: a slow receiver holds up only its own deliveries. */
    concurrency: number;
    timeoutMs: number;
    /** Events whose deliveries are all settled are deleted (with their attempts) after this many days. */
    retentionDays: number;
  };
  readonly logLevel!: LogLevel;
  /** `undefined`: no CORS headers (the console is same-origin); `['*']`: any origin. */
  readonly corsOrigins!: string[] | undefined;
  readonly loginThrottle!: { perIp: number; perEmail: number; windowSeconds: number };
  /**
   * Express's `trust proxy`: which proxies' X-Forwarded-For to believe for the client address (login
   * throttling, logs). `undefined`: none, the socket's address is the client.
   */
  readonly trustProxy!: boolean | number | string | undefined;
  /** Processed provider webhook events are kept this long (deduplication and audit), then deleted. */
  readonly webhookEventsRetentionDays!: number;

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  withDatabaseUrl(databaseUrl: string): AppConfig {
    return new AppConfig({ ...this, databaseUrl });
  }
}

export type AppConfigValues = Omit<AppConfig, 'isProduction' | 'withDatabaseUrl'>;
