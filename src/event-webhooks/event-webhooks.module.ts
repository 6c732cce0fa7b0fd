import { Module } from '@nestjs/common';

import { SecretBox } from '../common/crypto/secret-box.js';
import { EventWebhooksRetentionJob } from './event-webhooks-retention.job.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveryJob } from './webhook-delivery.job.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookPoster } from './webhook-poster.js';

/**
 * Event webhooks to the business's own systems. Other modules write events through the SQL in
 * outbox.ts, inside their own statements; this module manages endpoints and delivers.
 */
@Module({
  controllers: [WebhookEndpointsController],
  providers: [
    SecretBox,
    WebhookEndpointsRepository,
    WebhookDeliveriesRepository,
    WebhookEndpointsService,
    WebhookPoster,
    WebhookDeliveryJob,
    EventWebhooksRetentionJob,
  ],
})
export class EventWebhooksModule {}
