import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { type DynamicModule, HttpStatus, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';

import type { ErrorBodyDto } from '../common/errors/error-body.dto.js';
import { requestIdOf } from '../common/http/request-id.js';
import { cacheControlFor, DEFAULT_CONSOLE_DIST, isClientRoute } from './console-files.js';

const CONSOLE_PATH = '/console';
export const CONSOLE_NOT_BUILT = 'console not built: run npm run build:console';

const CONSOLE_DIST_DIR = Symbol('CONSOLE_DIST_DIR');

/**
 * Serves the web console (console/dist, built by Vite) at /console, with index.html for every
 * client-side route. It is plain Express middleware registered outside Nest's router, so the global
 * JWT guard never sees it: the files are public, the API they call is not. Registered when the
 * module initialises, after the API routes and before Nest's 404 handler.
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  static register(distDir: string = DEFAULT_CONSOLE_DIST): DynamicModule {
    return { module: ConsoleModule, providers: [{ provide: CONSOLE_DIST_DIR, useValue: distDir }] };
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CONSOLE_DIST_DIR) private readonly distDir: string,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    // The server's root is where a newcomer types the address: send them to the console.
    adapter.get('/', (_request: Request, response: Response) =>
      response.redirect(HttpStatus.FOUND, CONSOLE_PATH),
    );
    adapter.useStaticAssets(this.distDir, {
      prefix: CONSOLE_PATH,
      index: false,
      redirect: false,
      cacheControl: false,
      setHeaders: (response: Response, filePath: string) =>
        response.setHeader('Cache-Control', cacheControlFor(this.distDir, filePath)),
    });
    adapter.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) =>
      this.serveIndex(request, response, next),
    );
  }

  /** Checked per request, so a console built while the server runs is served without a restart. */
  private serveIndex(request: Request, response: Response, next: NextFunction): void {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !isClientRoute(request.path))
      return next();
    const indexFile = join(this.distDir, 'index.html');
    if (!existsSync(indexFile)) {
      const body: ErrorBodyDto = {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: CONSOLE_NOT_BUILT,
        requestId: requestIdOf(request),
      };
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json(body);
      return;
    }
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(indexFile, (error?: Error) => {
      if (error && !response.headersSent) next(error);
    });
  }
}
