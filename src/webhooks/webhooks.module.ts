import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { DeliveryReportProcessor } from './delivery-report.processor.js';
import { DeliveryReportQueue } from './delivery-report.queue.js';
import { WebhookAuthGuard } from './guards/webhook-auth.guard.js';
import { WebhookChannelCache } from './guards/webhook-channel.cache.js';
import { WebhookEventProcessor } from './webhook-event.processor.js';
import { WebhookEventsRepository } from './webhook-events.repository.js';
import { WebhookInboxService } from './webhook-inbox.service.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { WebhookEventsRetentionJob } from './webhook-events-retention.job.js';
import { WebhookRetryJob } from './webhook-retry.job.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({
  imports: [ChannelsModule, ContactsModule, ConversationsModule],
  controllers: [WebhooksController],
  providers: [
    WebhookAuthGuard,
    WebhookChannelCache,
    WebhookEventsRepository,
    WebhookInboxService,
    WebhookEventProcessor,
    DeliveryReportProcessor,
    DeliveryReportQueue,
    WebhookIntakeService,
    WebhookRetryJob,
    WebhookEventsRetentionJob,
  ],
})
export class WebhooksModule {}
