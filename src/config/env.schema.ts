import { z } from 'zod';

import { emailProblem, passwordProblem } from '../common/validation/user-rules.js';
import { parseDuration } from './duration.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** The API's own rule for a user's e-mail or password, as a zod refinement. */
const userRule =
  (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };

const duration = z.string().transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be a duration such as 15m, 12h or 30d (got "${value}")` });
    return z.NEVER;
  }
  return seconds;
});

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The one schema for every environment variable Switchboard reads. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
    ),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    JWT_ACCESS_TTL: duration.default(15 * 60),
    JWT_REFRESH_TTL: duration.default(30 * 24 * 3600),
    ADMIN_EMAIL: optionalString.pipe(z.string().superRefine(userRule(emailProblem)).optional()),
    ADMIN_PASSWORD: optionalString.pipe(z.string().superRefine(userRule(passwordProblem)).optional()),
    PUBLIC_BASE_URL: optionalString.pipe(
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    ),
    CREDENTIALS_KEY: optionalString.pipe(
      z
        .string()
        .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded as base64')
        .optional(),
    ),
    CAMPAIGN_DISPATCH_INTERVAL_MS: positiveInt(1000),
    SNOOZE_WAKE_INTERVAL_MS: positiveInt(15_000),
    CAMPAIGN_MATERIALISE_CHUNK: positiveInt(25_000),
    CAMPAIGN_LEASE_SECONDS: positiveInt(120),
    PROVIDER_TIMEOUT_MS: positiveInt(10_000),
    WEBHOOK_ENDPOINTS_ALLOW_PRIVATE: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
    WEBHOOK_DELIVERY_INTERVAL_MS: positiveInt(250),
    WEBHOOK_DELIVERY_CONCURRENCY: positiveInt(64),
    WEBHOOK_DELIVERY_TIMEOUT_MS: positiveInt(10_000),
    EVENT_WEBHOOKS_RETENTION_DAYS: positiveInt(30),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    CORS_ORIGINS: optionalString,
    LOGIN_MAX_ATTEMPTS_PER_IP: positiveInt(30),
    LOGIN_MAX_ATTEMPTS_PER_EMAIL: positiveInt(10),
    LOGIN_THROTTLE_WINDOW: duration.default(60),
    TRUST_PROXY: optionalString.pipe(
      z
        .string()
        .regex(
          /^(true|false|\d+|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/,
          'must be true, false, a hop count or a list of addresses/subnets (e.g. loopback, 10.0.0.0/8)',
        )
        .optional(),
    ),
    WEBHOOK_EVENTS_RETENTION_DAYS: positiveInt(30),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    for (const key of ['JWT_SECRET', 'CREDENTIALS_KEY'] as const) {
      if (!env[key])
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    }
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      const missing = env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'must be set together with ADMIN_EMAIL and ADMIN_PASSWORD',
      });
    }
  });

export type LogLevel = (typeof LOG_LEVELS)[number];
