import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Campaign } from '../campaigns/campaign.entity.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardRepository } from './dashboard.repository.js';
import { DashboardService } from './dashboard.service.js';
import { MessageRollupJob } from './message-rollup.job.js';

/** The admin home page: one aggregate read over an hourly rollup of the messages. */
@Module({
  imports: [TypeOrmModule.forFeature([Campaign]), ConversationsModule],
  controllers: [DashboardController],
  providers: [DashboardRepository, DashboardService, MessageRollupJob],
})
export class DashboardModule {}
