import type { IncomingMessage } from 'node:http';

import { type Logger, type LoggerOptions, pino } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';

import { assignRequestId } from '../common/http/request-id.js';
import { isWebhookPath } from '../common/http/webhook-routes.js';
import type { AppConfig } from '../config/app-config.js';
import { maskDigitRuns, serializeError } from './error-serializer.js';

const SECRET_KEYS = [
  'password',
  'newPassword',
  'passwordHash',
  'accessToken',
  'refreshToken',
  'access_token',
  'token',
  'apiToken',
  'keySecret',
  'authToken',
  'webhookSecret',
  'secret',
  'clientSecret',
  'authorization',
];

/** Every secret-bearing key, at the top level and up to three levels down, plus sensitive headers. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-sinch-webhook-signature"]',
  'req.headers["x-plivo-signature-v2"]',
  'req.headers["x-plivo-signature-v3"]',
  'req.headers["x-plivo-signature-ma-v3"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Logged URLs lose what identifies a person or opens a door: credential parameters and the Sinch
 * SMS webhook token are masked, and so are search terms and any long run of digits (a phone
 * number), in the query and in path segments alike (a client may put a number where an id belongs).
 */
export function sanitizeUrl(url: string): string {
  const [path, query] = url.split('?', 2);
  const safePath = path
    .replace(/(\/webhooks\/sinch-sms\/[^/]+\/)[^/?]+/, '$1[REDACTED]')
    .split('/')
    .map((segment) => (UUID.test(segment) ? segment : maskDigitRuns(segment)))
    .join('/');
  if (!query) return safePath;
  const params = new URLSearchParams(query);
  for (const [key, value] of [...params.entries()]) {
    if (/token|secret|password|signature|search|phone|^to$|^from$|^q$/i.test(key))
      params.set(key, '[REDACTED]');
    else params.set(key, maskDigitRuns(value));
  }
  return `${safePath}?${params.toString()}`;
}

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Failures are warnings or errors. An accepted provider callback is only `debug`: providers send
 * thousands a second, each one is on record in webhook_events, and logging them at `info` would
 * drown the log (and cost more CPU than handling them).
 */
export function requestLogLevel(
  url: string,
  statusCode: number,
  error?: unknown,
): 'error' | 'warn' | 'info' | 'debug' {
  if (error || statusCode >= 500) return 'error';
  if (statusCode >= 400) return 'warn';
  return isWebhookPath(url) ? 'debug' : 'info';
}

/** What a request line says about its request: headers are left out on purpose. */
export function requestSummary(request: {
  id?: unknown;
  method?: string;
  url?: string;
  remoteAddress?: string;
}): Record<string, unknown> {
  return {
    id: request.id,
    method: request.method,
    url: sanitizeUrl(request.url ?? ''),
    remoteAddress: request.remoteAddress,
  };
}

/** The request logger's options; level, redaction and destination come from the root logger. */
export function pinoHttpOptions(): PinoHttpOptions {
  return {
    genReqId: assignRequestId,
    autoLogging: {
      ignore: (request: IncomingMessage) => QUIET_ROUTES.has((request.url ?? '').split('?')[0]),
    },
    customLogLevel: (request, response, error) =>
      requestLogLevel(request.url ?? '', response.statusCode, error),
    serializers: {
      // Receives pino's standard request summary.
      req: requestSummary,
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  };
}

const rootOptions = (config: Pick<AppConfig, 'logLevel'>): LoggerOptions => ({
  level: config.logLevel,
  redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
  serializers: { err: serializeError },
});

/**
 * JSON lines, except on a terminal, where a person reads them: there pino-pretty formats them in
 * a worker thread. pino-pretty is a development dependency, so a production install (or a log
 * shipper reading stdout) always gets JSON.
 */
export function createRootLogger(config: Pick<AppConfig, 'logLevel'>): Logger {
  // eslint-disable-next-line no-restricted-properties -- only asks whether a person reads stdout; pino writes
  if (process.stdout.isTTY) {
    try {
      return pino({
        ...rootOptions(config),
        transport: {
          target: 'pino-pretty',
          options: {
            ignore: 'pid,hostname,context',
            messageFormat: '{if context}{context}: {end}{msg}',
            translateTime: 'SYS:HH:MM:ss.l',
          },
        },
      });
    } catch {
      // pino-pretty is not installed: JSON it is.
    }
  }
  return pino(rootOptions(config));
}
