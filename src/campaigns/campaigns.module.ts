import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule } from '../channels/channels.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { CampaignAudienceRepository } from './campaign-audience.repository.js';
import { CampaignBatchesRepository } from './campaign-batches.repository.js';
import { CampaignAudienceService } from './campaign-audience.service.js';
import { CampaignPreviewService } from './campaign-preview.service.js';
import { CampaignDispatcher } from './campaign-dispatcher.service.js';
import { CampaignRecoveryService } from './campaign-recovery.service.js';
import { CampaignSender } from './campaign-sender.service.js';
import { Campaign } from './campaign.entity.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsService } from './campaigns.service.js';
import { HeldRecipientsService } from './held-recipients.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign]), ChannelsModule, ConversationsModule],
  controllers: [CampaignsController],
  providers: [
    CampaignsRepository,
    CampaignBatchesRepository,
    CampaignAudienceRepository,
    CampaignsService,
    CampaignAudienceService,
    HeldRecipientsService,
    CampaignPreviewService,
    CampaignSender,
    CampaignRecoveryService,
    CampaignDispatcher,
  ],
})
export class CampaignsModule {}
