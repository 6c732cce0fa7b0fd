import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';

import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AutoRepliesModule } from './auto-replies/auto-replies.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { CannedResponsesModule } from './canned-responses/canned-responses.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { JsonContentTypeInterceptor } from './common/http/json-content-type.interceptor.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsoleModule } from './console/console.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EventWebhooksModule } from './event-webhooks/event-webhooks.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        HealthModule,
        UsersModule,
        AuthModule,
        ApiKeysModule,
        ChannelsModule,
        ContactsModule,
        AutoRepliesModule,
        CannedResponsesModule,
        ConversationsModule,
        WebhooksModule,
        CampaignsModule,
        EventWebhooksModule,
        DashboardModule,
        ConsoleModule.register(),
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: JsonContentTypeInterceptor },
      ],
    };
  }
}
