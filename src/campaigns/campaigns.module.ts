import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule } from '../channels/channels.module.js';
import { CampaignAudienceService } from './campaign-audience.service.js';
import { CampaignPreviewService } from './campaign-preview.service.js';
import { CampaignDispatcher } from './campaign-dispatcher.service.js';
import { CampaignRecoveryService } from './campaign-recovery.service.js';
import { CampaignSender } from './campaign-sender.service.js';
import { Campaign } from './campaign.entity.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsService } from './campaigns.service.js';
import { HeldRecipientsService } from './held-recipients.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign]), ChannelsModule],
  controllers: [CampaignsController],
  providers: [
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
