import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';

import { API_PREFIX, ROUTES_OUTSIDE_API } from '../app.factory.js';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/load-config.js';
import { buildOpenApiDocument } from '../swagger.js';

/**
 * The OpenAPI document exactly as `/docs-json` serves it, built from the modules' metadata alone:
 * Nest's preview mode resolves no provider, so no database, no server and no secret is needed.
 * Used to generate the console's API types (`npm run openapi:types`).
 */
export async function openApiDocumentWithoutServer(): Promise<OpenAPIObject> {
  const config = loadConfig({
    NODE_ENV: 'development',
    // Never connected to: preview mode does not create the connection.
    DATABASE_URL: 'postgres://preview@127.0.0.1:1/preview',
    JWT_SECRET: 'preview-mode-builds-no-provider-so-this-is-unused',
    CREDENTIALS_KEY: Buffer.alloc(32).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.register(config), { preview: true, logger: false });
  try {
    app.setGlobalPrefix(API_PREFIX, { exclude: ROUTES_OUTSIDE_API });
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
