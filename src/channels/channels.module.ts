import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { SecretBox } from '../common/crypto/secret-box.js';
import { AppConfig } from '../config/app-config.js';
import { Channel } from './channel.entity.js';
import { ChannelChangeFeed } from './channel-change-feed.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsService } from './channels.service.js';
import type { ChannelProvider } from './providers/channel-provider.interface.js';
import {
  PROVIDER_HTTP_OPTIONS,
  ProviderHttpClient,
  type ProviderHttpOptions,
} from './providers/http/provider-http.client.js';
import { PlivoProvider } from './providers/plivo/plivo.provider.js';
import { CHANNEL_PROVIDERS, ProviderRegistry } from './providers/provider-registry.js';
import { SandboxProvider } from './providers/sandbox/sandbox.provider.js';
import { SinchConversationProvider } from './providers/sinch-conversation/sinch-conversation.provider.js';
import { SinchOAuthTokenProvider } from './providers/sinch-conversation/sinch-oauth.token-provider.js';
import { SinchSmsProvider } from './providers/sinch-sms/sinch-sms.provider.js';
import { SendBudget } from './send-budget.js';

const STRATEGIES = [SinchSmsProvider, SinchConversationProvider, PlivoProvider, SandboxProvider];

@Module({
  imports: [TypeOrmModule.forFeature([Channel])],
  controllers: [ChannelsController],
  providers: [
    ChannelsService,
    ChannelChangeFeed,
    SendBudget,
    SecretBox,
    ProviderHttpClient,
    {
      provide: PROVIDER_HTTP_OPTIONS,
      useFactory: (config: AppConfig): ProviderHttpOptions => ({ timeoutMs: config.providerTimeoutMs }),
      inject: [AppConfig],
    },
    SinchOAuthTokenProvider,
    ...STRATEGIES,
    {
      provide: CHANNEL_PROVIDERS,
      useFactory: (...providers: ChannelProvider[]) => providers,
      inject: STRATEGIES,
    },
    ProviderRegistry,
  ],
  exports: [ChannelsService, ChannelChangeFeed, ProviderRegistry, SendBudget],
})
export class ChannelsModule {}
