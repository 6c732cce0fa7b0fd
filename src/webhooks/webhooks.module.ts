import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { WebhookAuthGuard } from './guards/webhook-auth.guard.js';
import { WebhookEventProcessor } from './webhook-event.processor.js';
import { WebhookInboxService } from './webhook-inbox.service.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { WebhookRetryJob } from './webhook-retry.job.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({
  imports: [ChannelsModule, ContactsModule, ConversationsModule],
  controllers: [WebhooksController],
  providers: [WebhookAuthGuard, WebhookInboxService, WebhookEventProcessor, WebhookIntakeService, WebhookRetryJob],
})
export class WebhooksModule {}
