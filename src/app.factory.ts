import type { IncomingMessage, ServerResponse } from 'node:http';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

import { AppModule } from './app.module.js';
import { requestIdMiddleware } from './common/http/request-id.js';
import { rejectUnstorableText } from './common/http/unstorable-text.middleware.js';
import { createValidationPipe } from './common/http/validation-pipe.js';
import { isWebhookPath } from './common/http/webhook-routes.js';
import type { AppConfig } from './config/app-config.js';
import { httpMetricsMiddleware } from './health/http-metrics.middleware.js';
import { MetricsService } from './health/metrics.service.js';
import { AppLogger } from './logging/app-logger.js';
import { setUpSwagger } from './swagger.js';

export const API_PREFIX = 'api/v1';
/** Larger JSON or form bodies are refused with 413. */
const BODY_LIMIT = '1mb';
export const ROUTES_OUTSIDE_API = ['health/live', 'health/ready', 'metrics'];

/** Builds the fully configured HTTP application (used by main.ts and by the e2e tests). */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    // The parsers are registered below, after the request id, so that even a body refused by the
    // parser (413, malformed JSON) gets an error body with its request id.
    bodyParser: false,
    // Webhook signatures are computed over the exact bytes received.
    rawBody: true,
  });
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  app.use(requestIdMiddleware);
  app.use(logger.requestMiddleware());
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use(rejectUnstorableText);
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  const browserSecurityHeaders = helmet({
    // Swagger UI needs its inline bootstrap; the console (/console) loads only same-origin files.
    // No upgrade-insecure-requests: served over plain HTTP on a host other than localhost (a LAN
    // address, a container) it makes browsers fetch the pages' scripts over HTTPS, which fails.
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'https:'],
        'upgrade-insecure-requests': null,
      },
    },
  });
  // Provider callbacks are answered to the providers' servers, never rendered by a browser.
  app.use((request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) =>
    isWebhookPath(request.url) ? next() : browserSecurityHeaders(request, response, next),
  );
  if (config.corsOrigins) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      exposedHeaders: ['x-request-id'],
    });
  }
  app.setGlobalPrefix(API_PREFIX, { exclude: ROUTES_OUTSIDE_API });
  app.useGlobalPipes(createValidationPipe());
  setUpSwagger(app);
  return app;
}
