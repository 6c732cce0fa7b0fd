import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AutoRepliesController } from './auto-replies.controller.js';
import { AutoRepliesService } from './auto-replies.service.js';
import { AutoReply } from './auto-reply.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([AutoReply])],
  controllers: [AutoRepliesController],
  providers: [AutoRepliesService],
  exports: [AutoRepliesService],
})
export class AutoRepliesModule {}
