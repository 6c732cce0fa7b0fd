import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { DatabaseThrottlerStorage } from './guards/database-throttler.storage.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { clientIpTracker, loginEmailTracker, LoginThrottlerGuard } from './guards/login-throttler.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { AccessTokensService } from './tokens/access-tokens.service.js';
import { AuthRecordsRetentionJob } from './tokens/auth-records-retention.job.js';
import { RefreshToken } from './tokens/refresh-token.entity.js';
import { RefreshTokensService } from './tokens/refresh-tokens.service.js';

@Module({
  imports: [
    UsersModule,
    ApiKeysModule,
    TypeOrmModule.forFeature([RefreshToken]),
    JwtModule.register({}),
    // Counters live in PostgreSQL: every instance counts the same attempts.
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource) => ({
        storage: new DatabaseThrottlerStorage(dataSource),
        errorMessage: 'Too many login attempts, try again later',
        throttlers: [
          {
            name: 'login-ip',
            ttl: config.loginThrottle.windowSeconds * 1000,
            limit: config.loginThrottle.perIp,
            getTracker: clientIpTracker,
          },
          {
            name: 'login-email',
            ttl: config.loginThrottle.windowSeconds * 1000,
            limit: config.loginThrottle.perEmail,
            getTracker: loginEmailTracker,
          },
        ],
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AccessTokensService,
    RefreshTokensService,
    AuthRecordsRetentionJob,
    LoginThrottlerGuard,
    // Order matters: authentication first, then the role check.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AccessTokensService],
})
export class AuthModule {}
