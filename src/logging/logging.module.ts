import { Global, Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config.js';
import { AppLogger } from './app-logger.js';

/** Structured JSON logs (pino), one line per request with its request id; secrets redacted. */
@Global()
@Module({
  providers: [
    { provide: AppLogger, inject: [AppConfig], useFactory: (config: AppConfig) => AppLogger.create(config) },
  ],
  exports: [AppLogger],
})
export class LoggingModule {}
