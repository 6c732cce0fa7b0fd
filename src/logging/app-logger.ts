import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import type { LoggerService } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { pinoHttp } from 'pino-http';

import { requestIdOf } from '../common/http/request-id.js';
import { isWebhookPath } from '../common/http/webhook-routes.js';
import type { AppConfig } from '../config/app-config.js';
import { createRootLogger, pinoHttpOptions, requestLogLevel, requestSummary } from './logger-options.js';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's own start-up chatter (a line per module, controller and route: about a hundred at boot)
 * is only interesting when debugging the wiring, so it is logged at debug.
 */
const WIRING_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/**
 * The application's logger: Nest's LoggerService on one pino instance. Inside a request, lines go
 * through that request's child logger, so they carry its request id.
 */
export class AppLogger implements LoggerService {
  private readonly requestLoggers = new AsyncLocalStorage<() => PinoLogger>();

  constructor(readonly root: PinoLogger) {}

  static create(config: Pick<AppConfig, 'logLevel'>): AppLogger {
    return new AppLogger(createRootLogger(config));
  }

  /** Logs each request once it is answered, and scopes every line logged while handling it. */
  requestMiddleware(): (request: IncomingMessage, response: ServerResponse, next: () => void) => void {
    const logRequest = pinoHttp({ ...pinoHttpOptions(), logger: this.root });
    return (request, response, next) => {
      if (isWebhookPath(request.url)) return this.logProviderCallback(request, response, next);
      logRequest(request, response);
      this.requestLoggers.run(() => request.log, next);
    };
  }

  /**
   * The same line as pino-http's, but a provider callback's child logger is made only when something
   * is logged: callbacks come by the thousand a second and succeed at `debug`, and building the child
   * up front (serialising and redacting the request) cost about a tenth of a callback's CPU.
   */
  private logProviderCallback(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const startedAt = performance.now();
    let child: PinoLogger | undefined;
    const logger = () =>
      (child ??= this.root.child({
        req: requestSummary({
          id: requestIdOf(request),
          method: request.method,
          url: request.url,
          remoteAddress: request.socket.remoteAddress,
        }),
      }));
    response.once('close', () => {
      const answered = response.writableFinished;
      const level = requestLogLevel(request.url ?? '', response.statusCode, answered ? undefined : 'aborted');
      if (!this.root.isLevelEnabled(level)) return;
      logger()[level](
        { res: { statusCode: response.statusCode }, responseTime: Math.round(performance.now() - startedAt) },
        answered ? 'request completed' : 'request aborted',
      );
    });
    this.requestLoggers.run(logger, next);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: Level, message: unknown, optionalParams: unknown[]): void {
    // Nest passes the context as the last parameter, and an error's stack before it.
    const params = [...optionalParams];
    const context = typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const effective = context && WIRING_CONTEXTS.has(context) && level === 'info' ? 'debug' : level;
    const logger = this.requestLoggers.getStore()?.() ?? this.root;
    if (!logger.isLevelEnabled(effective)) return;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      logger[effective]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      logger[effective]({ ...fields, ...message });
    } else if (level === 'error' && typeof params[0] === 'string' && /\n\s*at /.test(params[0])) {
      const err = new Error(String(message));
      err.stack = params[0];
      logger[effective]({ ...fields, err }, String(message));
    } else {
      logger[effective](fields, String(message));
    }
  }
}
