import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { AppConfig } from './app-config.js';
import { envSchema } from './env.schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

interface DevelopmentSecrets {
  jwtSecret: string;
  credentialsKey: string;
}

/**
 * Validates the environment into an AppConfig. Throws a ConfigError whose message is one line
 * naming the first bad variable. Outside production, missing secrets are generated once and kept
 * in DATA_DIR so that tokens and encrypted credentials survive a restart.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue.path.join('.') || 'environment';
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}`);
  }
  const values = parsed.data;
  const dataDir = resolve(values.DATA_DIR);
  const devSecrets =
    values.JWT_SECRET && values.CREDENTIALS_KEY ? undefined : readOrCreateDevelopmentSecrets(dataDir);

  return new AppConfig({
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    databaseUrl: values.DATABASE_URL,
    dataDir,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    jwt: {
      secret: values.JWT_SECRET ?? devSecrets!.jwtSecret,
      accessTtlSeconds: values.JWT_ACCESS_TTL,
      refreshTtlSeconds: values.JWT_REFRESH_TTL,
    },
    initialAdmin:
      values.ADMIN_EMAIL && values.ADMIN_PASSWORD
        ? { email: values.ADMIN_EMAIL.toLowerCase(), password: values.ADMIN_PASSWORD }
        : undefined,
    publicBaseUrl: (values.PUBLIC_BASE_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
    credentialsKey: Buffer.from(values.CREDENTIALS_KEY ?? devSecrets!.credentialsKey, 'base64'),
    campaignDispatchIntervalMs: values.CAMPAIGN_DISPATCH_INTERVAL_MS,
    snoozeWakeIntervalMs: values.SNOOZE_WAKE_INTERVAL_MS,
    campaignMaterialiseChunk: values.CAMPAIGN_MATERIALISE_CHUNK,
    campaignLeaseSeconds: values.CAMPAIGN_LEASE_SECONDS,
    providerTimeoutMs: values.PROVIDER_TIMEOUT_MS,
    eventWebhooks: {
      allowPrivate: values.WEBHOOK_ENDPOINTS_ALLOW_PRIVATE,
      intervalMs: values.WEBHOOK_DELIVERY_INTERVAL_MS,
      concurrency: values.WEBHOOK_DELIVERY_CONCURRENCY,
      timeoutMs: values.WEBHOOK_DELIVERY_TIMEOUT_MS,
      retentionDays: values.EVENT_WEBHOOKS_RETENTION_DAYS,
    },
    logLevel: values.LOG_LEVEL,
    corsOrigins: values.CORS_ORIGINS?.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    loginThrottle: {
      perIp: values.LOGIN_MAX_ATTEMPTS_PER_IP,
      perEmail: values.LOGIN_MAX_ATTEMPTS_PER_EMAIL,
      windowSeconds: values.LOGIN_THROTTLE_WINDOW,
    },
    trustProxy: parseTrustProxy(values.TRUST_PROXY),
    webhookEventsRetentionDays: values.WEBHOOK_EVENTS_RETENTION_DAYS,
  });
}

function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value === 'false') return undefined;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function readOrCreateDevelopmentSecrets(dataDir: string): DevelopmentSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8')) as DevelopmentSecrets;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevelopmentSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    credentialsKey: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secrets;
}
